import type { RuleSet } from '../../src/domain/alerts';
import type { SeriesKey } from '../../src/domain/ports';
import { bucketStart, expiresAt, defaultRetention } from '../../src/domain/resolutions';
import type { Rollup } from '../../src/domain/resolutions';
import type { Bucket } from '../../src/domain/rollups';
import { decide, recordReading } from '../../src/domain/series';
import type { IncomingReading } from '../../src/domain/series';
import { aggregatesOf, deliveries as generate, expectedRaw, sortedEntries } from '../support/telemetry-model';
import { seededRandom, shuffle, testDeps } from './support/iot-deps';
import type { FakeTelemetry } from './support/fake-telemetry';

const thingId = '00000000-0000-4000-8000-00000000aaaa';
const noRules: RuleSet = { version: 0, rules: [] };
const base = Date.parse('2026-11-20T00:00:00.000Z');

function reading(metric: string, ts: number, value: number, receivedAt: number): IncomingReading {
  return { thingId, ownerId: 'owner-1', metric, ts, value, receivedAt };
}

const aggregatesFromRaw = (telemetry: FakeTelemetry, series: SeriesKey, rollup: Rollup) => aggregatesOf(telemetry.rawValues(series), rollup);
const deliveries = (random: () => number, messages: number) => generate(random, messages, base);

describe('decide', () => {
  it('stores a new ts, ignores a redelivery and an older arrival, replaces with a later different value', () => {
    // Prepare
    const stored = { ts: 1, value: 5, receivedAt: 100 };

    // Act
    const outcomes = [
      decide(undefined, { ts: 1, value: 5, receivedAt: 100 }),
      decide(stored, { ts: 1, value: 5, receivedAt: 100 }),
      decide(stored, { ts: 1, value: 7, receivedAt: 99 }),
      decide(stored, { ts: 1, value: 7, receivedAt: 101 }),
      decide(stored, { ts: 1, value: 5, receivedAt: 101 }),
      decide(stored, { ts: 1, value: 6, receivedAt: 100 }),
      decide(stored, { ts: 1, value: 4, receivedAt: 100 }),
    ];

    // Assess
    expect(outcomes.map(({ outcome, write }) => [outcome, write])).toEqual([
      ['inserted', true],
      ['unchanged', false],
      ['unchanged', false],
      ['replaced', true],
      ['unchanged', true],
      ['replaced', true],
      ['unchanged', false],
    ]);
  });
});

describe('recordReading', () => {
  it('stores a reading once and adds it to its three buckets', async () => {
    // Prepare
    const { deps, telemetry } = testDeps();
    const series = { thingId, metric: 'temp' };

    // Act
    const first = await recordReading(reading('temp', base + 5_000, 21.5, base + 6_000), noRules, deps);
    const again = await recordReading(reading('temp', base + 5_000, 21.5, base + 6_000), noRules, deps);

    // Assess
    expect([first.outcome, again.outcome]).toEqual(['inserted', 'unchanged']);
    expect(telemetry.commits).toBe(1);
    expect(telemetry.rawValues(series)).toEqual(new Map([[base + 5_000, 21.5]]));
    for (const rollup of ['1m', '1h', '1d'] as const) {
      expect(telemetry.storedBuckets(series, rollup)).toEqual(new Map([[bucketStart(base + 5_000, rollup), { min: 21.5, max: 21.5, sum: 21.5, count: 1 }]]));
    }
  });

  it('recomputes min and max when the replaced value was the extreme', async () => {
    // Prepare
    const { deps, telemetry } = testDeps();
    const series = { thingId, metric: 'temp' };
    await recordReading(reading('temp', base + 1_000, 10, base + 10), noRules, deps);
    await recordReading(reading('temp', base + 2_000, 30, base + 20), noRules, deps);
    await recordReading(reading('temp', base + 120_000, 50, base + 30), noRules, deps);

    // Act: the minute's minimum (10) and the hour's maximum (50) are replaced by inner values
    await recordReading(reading('temp', base + 1_000, 20, base + 40), noRules, deps);
    await recordReading(reading('temp', base + 120_000, 25, base + 50), noRules, deps);

    // Assess
    expect(telemetry.storedBuckets(series, '1m').get(base)).toEqual({ min: 20, max: 30, sum: 50, count: 2 });
    expect(telemetry.storedBuckets(series, '1h').get(base)).toEqual({ min: 20, max: 30, sum: 75, count: 3 });
    expect(telemetry.storedBuckets(series, '1d').get(base)).toEqual({ min: 20, max: 30, sum: 75, count: 3 });
    expect(await telemetry.latest(thingId)).toEqual([{ metric: 'temp', value: 25, at: base + 120_000 }]);
  });

  it('gives readings and buckets TTLs that outlive any recompute that could read them', async () => {
    // Prepare
    const { deps, telemetry } = testDeps();
    const ts = base + 3_599_000;

    // Act
    await recordReading(reading('temp', ts, 1, base + 3_600_000), noRules, deps);

    // Assess: raw lives 30 days after its minute, the minute 30 days after its hour, hour and day 400 days after their day
    const day = 86_400;
    const raw = [...telemetry.raw.values()][0]?.get(ts);
    expect(raw?.expiresAt).toBe((base + 3_600_000) / 1000 + 30 * day);
    expect(expiresAt('1m', bucketStart(ts, '1m'), defaultRetention)).toBe((base + 3_600_000) / 1000 + 30 * day);
    expect(expiresAt('1h', bucketStart(ts, '1h'), defaultRetention)).toBe((base + 86_400_000) / 1000 + 400 * day);
    expect(expiresAt('1d', bucketStart(ts, '1d'), defaultRetention)).toBe((base + 86_400_000) / 1000 + 400 * day);
  });

  it('retries after losing the head revision to a concurrent writer, and computes from its result', async () => {
    // Prepare
    const { deps, telemetry } = testDeps();
    const series = { thingId, metric: 'temp' };
    let slipped = false;
    telemetry.beforeCommit = async () => {
      if (slipped) return;
      slipped = true;
      // Another invocation commits a reading of the same minute between this one's read and its write.
      await recordReading(reading('temp', base + 7_000, 3, base + 1), noRules, deps);
    };

    // Act
    const result = await recordReading(reading('temp', base + 8_000, 5, base + 2), noRules, deps);

    // Assess
    expect(result.outcome).toBe('inserted');
    expect(telemetry.conflicts).toBe(1);
    expect(telemetry.storedBuckets(series, '1m').get(base)).toEqual({ min: 3, max: 5, sum: 8, count: 2 });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('keeps rollups equal to aggregates of raw under redelivery, replacement and reordering (seed %i, one at a time)', async (seed) => {
    // Prepare
    const { deps, telemetry } = testDeps();
    const series = { thingId, metric: 'temp' };
    const all = deliveries(seededRandom(seed), 250);

    // Act
    for (const delivery of all) await recordReading(reading('temp', delivery.ts, delivery.value, delivery.receivedAt), noRules, deps);

    // Assess
    expect(sortedEntries(telemetry.rawValues(series))).toEqual(sortedEntries(expectedRaw(all)));
    for (const rollup of ['1m', '1h', '1d'] as const) {
      expect(sortedEntries(telemetry.storedBuckets(series, rollup))).toEqual(sortedEntries(aggregatesFromRaw(telemetry, series, rollup)));
    }
    const newest = Math.max(...telemetry.rawValues(series).keys());
    expect(await telemetry.latest(thingId)).toEqual([{ metric: 'temp', value: telemetry.rawValues(series).get(newest), at: newest }]);
  });

  it.each([11, 12, 13, 14, 15, 16])('keeps rollups equal to aggregates of raw when deliveries are processed concurrently (seed %i)', async (seed) => {
    // Prepare
    const { deps, telemetry } = testDeps();
    const random = seededRandom(seed);
    const metrics = ['temp', 'hum'];
    const all = metrics.map((metric) => ({ metric, deliveries: deliveries(random, 200) }));
    const jobs = shuffle(all.flatMap(({ metric, deliveries: list }) => list.map((delivery) => ({ metric, delivery }))), random);

    // Act: batches of 12 in flight at once, interleaving at every store call
    for (let index = 0; index < jobs.length; index += 12) {
      await Promise.all(jobs.slice(index, index + 12).map(({ metric, delivery }) => recordReading(reading(metric, delivery.ts, delivery.value, delivery.receivedAt), noRules, deps)));
    }

    // Assess
    expect(telemetry.conflicts).toBeGreaterThan(0);
    for (const { metric, deliveries: list } of all) {
      const series = { thingId, metric };
      expect(sortedEntries(telemetry.rawValues(series))).toEqual(sortedEntries(expectedRaw(list)));
      for (const rollup of ['1m', '1h', '1d'] as const) {
        expect(sortedEntries(telemetry.storedBuckets(series, rollup))).toEqual(sortedEntries(aggregatesFromRaw(telemetry, series, rollup)));
      }
    }
  });

  it('keeps float rollups within rounding of the raw aggregates', async () => {
    // Prepare
    const { deps, telemetry } = testDeps();
    const random = seededRandom(99);
    const series = { thingId, metric: 'temp' };
    const all = deliveries(random, 300).map((delivery) => ({ ...delivery, value: delivery.value + random() / 3 }));

    // Act
    for (const delivery of all) await recordReading(reading('temp', delivery.ts, delivery.value, delivery.receivedAt), noRules, deps);

    // Assess
    for (const rollup of ['1m', '1h', '1d'] as const) {
      const expected = aggregatesFromRaw(telemetry, series, rollup);
      const stored = telemetry.storedBuckets(series, rollup);
      expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [start, bucket] of stored) {
        const want = expected.get(start) as Bucket;
        expect({ min: bucket.min, max: bucket.max, count: bucket.count }).toEqual({ min: want.min, max: want.max, count: want.count });
        expect(bucket.sum).toBeCloseTo(want.sum, 9);
      }
    }
  });
});
