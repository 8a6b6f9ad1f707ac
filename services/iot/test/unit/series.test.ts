import type { SeriesKey } from '../../src/domain/ports';
import { bucketStart, expiresAt, defaultRetention } from '../../src/domain/resolutions';
import type { Rollup } from '../../src/domain/resolutions';
import type { Bucket } from '../../src/domain/rollups';
import { decide, recordReading, recordReadings } from '../../src/domain/series';
import type { IncomingReading, IncomingReadings } from '../../src/domain/series';
import { aggregatesOf, deliveries as generate, expectedRaw, sortedEntries } from '../support/telemetry-model';
import { seededRandom, shuffle, testDeps } from './support/iot-deps';
import type { FakeTelemetry } from './support/fake-telemetry';

const thingId = '00000000-0000-4000-8000-00000000aaaa';
const base = Date.parse('2026-11-20T00:00:00.000Z');

function reading(metric: string, ts: number, value: number, receivedAt: number): IncomingReading {
  return { thingId, ownerId: 'owner-1', metric, ts, value, receivedAt };
}

/** A message of two metrics; humidity follows temperature monotonically, so both have the same winning delivery. */
function message(ts: number, temp: number, receivedAt: number): IncomingReadings {
  return { thingId, ownerId: 'owner-1', ts, receivedAt, readings: [{ metric: 'temp', value: temp }, { metric: 'hum', value: humidityOf(temp) }] };
}

const humidityOf = (temp: number) => 2 * temp - 1;

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
    const first = await recordReading(reading('temp', base + 5_000, 21.5, base + 6_000), deps);
    const again = await recordReading(reading('temp', base + 5_000, 21.5, base + 6_000), deps);

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
    await recordReading(reading('temp', base + 1_000, 10, base + 10), deps);
    await recordReading(reading('temp', base + 2_000, 30, base + 20), deps);
    await recordReading(reading('temp', base + 120_000, 50, base + 30), deps);

    // Act: the minute's minimum (10) and the hour's maximum (50) are replaced by inner values
    await recordReading(reading('temp', base + 1_000, 20, base + 40), deps);
    await recordReading(reading('temp', base + 120_000, 25, base + 50), deps);

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
    await recordReading(reading('temp', ts, 1, base + 3_600_000), deps);

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
      await recordReading(reading('temp', base + 7_000, 3, base + 1), deps);
    };

    // Act
    const result = await recordReading(reading('temp', base + 8_000, 5, base + 2), deps);

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
    for (const delivery of all) await recordReading(reading('temp', delivery.ts, delivery.value, delivery.receivedAt), deps);

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
      await Promise.all(jobs.slice(index, index + 12).map(({ metric, delivery }) => recordReading(reading(metric, delivery.ts, delivery.value, delivery.receivedAt), deps)));
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

  it('writes every series of a message in one transaction, and nothing again on redelivery', async () => {
    // Prepare
    const { deps, telemetry } = testDeps();

    // Act
    const first = await recordReadings(message(base + 5_000, 21.5, base + 6_000), deps);
    const again = await recordReadings(message(base + 5_000, 21.5, base + 6_000), deps);

    // Assess
    expect(first.map(({ metric, outcome }) => [metric, outcome])).toEqual([['temp', 'inserted'], ['hum', 'inserted']]);
    expect(again.map(({ metric, outcome }) => [metric, outcome])).toEqual([['temp', 'unchanged'], ['hum', 'unchanged']]);
    expect([telemetry.commits, telemetry.seriesWrites]).toEqual([1, 2]);
    expect(telemetry.rawValues({ thingId, metric: 'hum' })).toEqual(new Map([[base + 5_000, 42]]));
    expect(telemetry.storedBuckets({ thingId, metric: 'hum' }, '1d').get(bucketStart(base, '1d'))).toEqual({ min: 42, max: 42, sum: 42, count: 1 });
  });

  it('writes only the series that change: a redelivered value beside a new one', async () => {
    // Prepare
    const { deps, telemetry } = testDeps();
    await recordReading(reading('temp', base + 5_000, 20, base + 6_000), deps);

    // Act
    const recorded = await recordReadings(message(base + 5_000, 20, base + 6_000), deps);

    // Assess
    expect(recorded.map(({ outcome }) => outcome)).toEqual(['unchanged', 'inserted']);
    expect([telemetry.commits, telemetry.seriesWrites]).toEqual([2, 2]);
    expect(telemetry.storedBuckets({ thingId, metric: 'temp' }, '1m').get(base)).toEqual({ min: 20, max: 20, sum: 20, count: 1 });
  });

  it('reads and computes every series of a lost transaction again, and writes each once', async () => {
    // Prepare
    const { deps, telemetry } = testDeps();
    let slipped = false;
    telemetry.beforeCommit = async () => {
      if (slipped) return;
      slipped = true;
      // Another message writes temperature in the same minute between this one's reads and its write.
      await recordReading(reading('temp', base + 7_000, 3, base + 1), deps);
    };

    // Act
    const recorded = await recordReadings(message(base + 8_000, 5, base + 2), deps);

    // Assess
    expect(recorded.map(({ outcome }) => outcome)).toEqual(['inserted', 'inserted']);
    expect(telemetry.conflicts).toBe(1);
    expect(telemetry.storedBuckets({ thingId, metric: 'temp' }, '1m').get(base)).toEqual({ min: 3, max: 5, sum: 8, count: 2 });
    expect(telemetry.storedBuckets({ thingId, metric: 'hum' }, '1m').get(base)).toEqual({ min: 9, max: 9, sum: 9, count: 1 });
  });

  it.each([21, 22, 23, 24, 25, 26])('keeps rollups equal to aggregates of raw when two-metric messages are processed concurrently (seed %i)', async (seed) => {
    // Prepare
    const { deps, telemetry } = testDeps();
    const random = seededRandom(seed);
    const all = deliveries(random, 200);

    // Act: 8 messages in flight at once (each loses at most 7 times in a row: within its attempts), interleaving at every store call
    for (let index = 0; index < all.length; index += 8) {
      await Promise.all(all.slice(index, index + 8).map((delivery) => recordReadings(message(delivery.ts, delivery.value, delivery.receivedAt), deps)));
    }

    // Assess
    expect(telemetry.conflicts).toBeGreaterThan(0);
    const expected = { temp: expectedRaw(all), hum: expectedRaw(all.map((delivery) => ({ ...delivery, value: humidityOf(delivery.value) }))) };
    for (const metric of ['temp', 'hum'] as const) {
      const series = { thingId, metric };
      expect(sortedEntries(telemetry.rawValues(series))).toEqual(sortedEntries(expected[metric]));
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
    for (const delivery of all) await recordReading(reading('temp', delivery.ts, delivery.value, delivery.receivedAt), deps);

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
