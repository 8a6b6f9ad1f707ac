import { ingestTelemetry } from '../../src/domain/ingest';
import { createThing } from '../../src/domain/registry';
import { readTelemetry } from '../../src/domain/read-telemetry';
import { owner, stranger, testDeps } from './support/iot-deps';

const t0 = Date.parse('2026-11-28T09:00:00.000Z');

async function withThings() {
  const setup = testDeps();
  const { thing } = await createThing({ name: 'Thermostat' }, owner, setup.deps);
  const { thing: other } = await createThing({ name: 'Neighbour' }, stranger, setup.deps);
  return { ...setup, thingId: thing.thingId, otherId: other.thingId };
}

describe('ingestTelemetry', () => {
  it('stores each metric of a message in one write, once under redelivery', async () => {
    // Prepare
    const { deps, telemetry, thingId } = await withThings();
    const message = { thingId, payload: JSON.stringify({ ts: t0 - 1000, metrics: { temp: 21.5, hum: 40 } }), receivedAt: t0 };

    // Act
    const first = await ingestTelemetry(message, deps);
    const again = await ingestTelemetry(message, deps);

    // Assess
    expect(first).toEqual({ status: 'stored', readings: { inserted: 2, replaced: 0, unchanged: 0 }, published: 0, streamed: true });
    expect(again).toEqual({ status: 'stored', readings: { inserted: 0, replaced: 0, unchanged: 2 }, published: 0, streamed: false });
    expect([telemetry.commits, telemetry.seriesWrites]).toEqual([1, 2]);
  });

  it('replaces a value with a later message of the same ts', async () => {
    // Prepare
    const { deps, telemetry, thingId } = await withThings();
    await ingestTelemetry({ thingId, payload: JSON.stringify({ ts: t0, metrics: { temp: 20 } }), receivedAt: t0 + 100 }, deps);

    // Act
    const outcome = await ingestTelemetry({ thingId, payload: JSON.stringify({ ts: t0, metrics: { temp: 22 } }), receivedAt: t0 + 2000 }, deps);

    // Assess
    expect(outcome).toMatchObject({ readings: { replaced: 1 } });
    expect(telemetry.rawValues({ thingId, metric: 'temp' })).toEqual(new Map([[t0, 22]]));
  });

  it('admits 10 messages a second per thing and drops the excess, without touching another thing', async () => {
    // Prepare
    const { deps, thingId, otherId } = await withThings();
    const burst = (id: string, second: number) =>
      Array.from({ length: 15 }, (_, index) => ({ thingId: id, payload: JSON.stringify({ ts: t0 + second * 1000 + index, metrics: { temp: index } }), receivedAt: t0 + second * 1000 + index * 10 }));

    // Act
    const outcomes = [];
    for (const message of [...burst(thingId, 0), ...burst(otherId, 0).slice(0, 5), ...burst(thingId, 1)]) outcomes.push(await ingestTelemetry(message, deps));

    // Assess
    const statuses = outcomes.map((outcome) => (outcome.status === 'dropped' ? outcome.reason : outcome.status));
    expect(statuses).toEqual([
      ...Array<string>(10).fill('stored'),
      ...Array<string>(5).fill('rate_limited'),
      ...Array<string>(5).fill('stored'),
      ...Array<string>(10).fill('stored'),
      ...Array<string>(5).fill('rate_limited'),
    ]);
  });

  it('drops bad input with a reason and keeps taking the messages behind it', async () => {
    // Prepare
    const { deps, telemetry, thingId } = await withThings();
    const bad = ['not json', '{"metrics":{"temp":"hot"}}', JSON.stringify({ ts: t0 + 2 * 86_400_000, metrics: { temp: 1 } }), 'x'.repeat(1024 * 1024)];

    // Act
    const outcomes = [];
    for (const [index, payload] of bad.entries()) outcomes.push(await ingestTelemetry({ thingId, payload, receivedAt: t0 + index * 1000 }, deps));
    const good = await ingestTelemetry({ thingId, payload: '{"metrics":{"temp":1}}', receivedAt: t0 + 10_000 }, deps);

    // Assess
    expect(outcomes.map((outcome) => outcome.status === 'dropped' && outcome.reason)).toEqual(['not_json', 'malformed', 'too_far_in_future', 'too_large']);
    expect(good).toMatchObject({ status: 'stored' });
    expect(telemetry.rawValues({ thingId, metric: 'temp' })).toEqual(new Map([[t0 + 10_000, 1]]));
  });

  it('drops messages of unknown things and of ids that cannot be things', async () => {
    // Prepare
    const { deps } = await withThings();

    // Act
    const outcomes = await Promise.all(
      ['00000000-0000-4000-8000-00000000ffff', '+', '#'].map((thingId) => ingestTelemetry({ thingId, payload: '{"metrics":{"temp":1}}', receivedAt: t0 }, deps)),
    );

    // Assess
    expect(outcomes).toEqual(Array(3).fill({ status: 'dropped', reason: 'unknown_thing' }));
  });

  it('records the arrival of the last admitted message as lastSeenAt', async () => {
    // Prepare
    const { deps, thingId } = await withThings();

    // Act
    await ingestTelemetry({ thingId, payload: '{"metrics":{"temp":1}}', receivedAt: t0 + 5000 }, deps);

    // Assess
    const [summary] = (await deps.things.listByOwner(owner.userId, { limit: 1 })).items;
    expect(summary?.activity.lastMessageAt).toBe(t0 + 5000);
  });
});

describe('readTelemetry', () => {
  it('answers raw readings and rollups oldest first, with avg, paginated', async () => {
    // Prepare
    const { deps, clock, thingId } = await withThings();
    clock.now = new Date(t0 + 3_600_000);
    for (const [offset, temp] of [[0, 20], [30_000, 22], [60_000, 30], [3_000_000, 10]] as const) {
      await ingestTelemetry({ thingId, payload: JSON.stringify({ ts: t0 + offset, metrics: { temp } }), receivedAt: t0 + offset + 100 }, deps);
    }

    // Act
    const raw = await readTelemetry(thingId, { metric: 'temp', resolution: 'raw', from: t0, to: t0 + 3_600_000, limit: 3, cursor: undefined }, owner, deps);
    const rest = await readTelemetry(thingId, { metric: 'temp', resolution: 'raw', from: t0, to: t0 + 3_600_000, limit: 3, cursor: raw.nextCursor ?? undefined }, owner, deps);
    const minutes = await readTelemetry(thingId, { metric: 'temp', resolution: '1m', from: t0, to: t0 + 120_000, limit: 500, cursor: undefined }, owner, deps);
    const hours = await readTelemetry(thingId, { metric: 'temp', from: undefined, to: undefined, resolution: undefined, limit: 500, cursor: undefined }, owner, deps);

    // Assess
    expect(raw.items).toEqual([
      { at: '2026-11-28T09:00:00.000Z', value: 20 },
      { at: '2026-11-28T09:00:30.000Z', value: 22 },
      { at: '2026-11-28T09:01:00.000Z', value: 30 },
    ]);
    expect(rest).toEqual({ metric: 'temp', resolution: 'raw', items: [{ at: '2026-11-28T09:50:00.000Z', value: 10 }], nextCursor: null });
    expect(minutes.items).toEqual([
      { at: '2026-11-28T09:00:00.000Z', min: 20, max: 22, avg: 21, count: 2 },
      { at: '2026-11-28T09:01:00.000Z', min: 30, max: 30, avg: 30, count: 1 },
    ]);
    expect(hours).toMatchObject({ resolution: '1h', items: [{ at: '2026-11-28T09:00:00.000Z', min: 10, max: 30, avg: 20.5, count: 4 }] });
  });

  it('answers an unknown metric with no items, and another user thing with 404', async () => {
    // Prepare
    const { deps, thingId } = await withThings();
    const query = { metric: 'nothing', from: undefined, to: undefined, resolution: undefined, limit: 500, cursor: undefined };

    // Act
    const empty = await readTelemetry(thingId, query, owner, deps);
    const err = await readTelemetry(thingId, query, stranger, deps).catch((error: unknown) => error);

    // Assess
    expect(empty).toEqual({ metric: 'nothing', resolution: '1h', items: [], nextCursor: null });
    expect(err).toMatchObject({ status: 404 });
  });
});

describe('ingestTelemetry: metrics', () => {
  it('counts each message as stored or dropped', async () => {
    // Prepare
    const { deps, metrics, thingId } = await withThings();

    // Act
    await ingestTelemetry({ thingId, payload: 'not json', receivedAt: t0 }, deps);
    await ingestTelemetry({ thingId: '00000000-0000-4000-8000-00000000ffff', payload: '{"metrics":{"temp":1}}', receivedAt: t0 }, deps);
    await ingestTelemetry({ thingId, payload: '{"metrics":{"temp":1}}', receivedAt: t0 + 1000 }, deps);

    // Assess
    expect(metrics.recorded).toEqual([
      { name: 'TelemetryDropped', unit: 'Count', value: 1 },
      { name: 'TelemetryDropped', unit: 'Count', value: 1 },
      { name: 'TelemetryStored', unit: 'Count', value: 1 },
    ]);
  });
});
