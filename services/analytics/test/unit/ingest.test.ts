import { RateLimitedError } from '@photonotes/shared/errors';
import { fakeMetrics } from '@photonotes/shared/metrics';
import { installActor, userActor } from '../../src/domain/actors';
import { ingestEvents, maxBatchesPerSecond } from '../../src/domain/ingest';
import { FakeActorKeys, FakeBuffer, FakeRates } from './support/fakes';

const installId = '6F1C1C8E-3C55-4BB6-9A43-2A7D0C1E5A10';
const receivedAt = new Date('2026-11-30T12:00:00.000Z');
const event = (n: number, extra: Record<string, unknown> = {}) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'opened', at: '2026-11-30T11:00:00Z', ...extra });

function setup() {
  let next = 0;
  const deps = { actorKeys: new FakeActorKeys(), rates: new FakeRates(), buffer: new FakeBuffer(), newBatchId: () => `batch-${++next}`, metrics: fakeMetrics() };
  return deps;
}

describe('ingestEvents', () => {
  test('an anonymous batch is the install\'s: one buffered batch with the accepted events and the server receive time', async () => {
    // Prepare
    const deps = setup();

    // Act
    const answer = await ingestEvents({ envelope: { installId, platform: 'ios', appVersion: '2.4.0', events: [event(1), { ...event(2), type: 'server.fake' }, event(3)] }, userId: null, receivedAt }, deps);

    // Assess
    expect(answer).toEqual({ accepted: 2, rejected: [{ index: 1, reason: expect.stringContaining('reserved') }] });
    expect(deps.buffer.batches).toEqual([
      {
        batchId: 'batch-1',
        receivedAt: '2026-11-30T12:00:00.000Z',
        installId: installId.toLowerCase(),
        actor: installActor(installId),
        platform: 'ios',
        appVersion: '2.4.0',
        events: [expect.objectContaining({ id: event(1).id }), expect.objectContaining({ id: event(3).id })],
      },
    ]);
    expect(deps.actorKeys.keys.size).toBe(0);
  });

  test('a signed-in batch is the user\'s: the actor is the HMAC of the id under their own key, the same for every batch', async () => {
    // Prepare
    const deps = setup();

    // Act
    await ingestEvents({ envelope: { installId, events: [event(1)] }, userId: 'user-1', receivedAt }, deps);
    await ingestEvents({ envelope: { installId, events: [event(2)] }, userId: 'user-1', receivedAt: new Date(receivedAt.getTime() + 1000) }, deps);

    // Assess
    const key = deps.actorKeys.keys.get('user-1') as Uint8Array;
    expect(deps.buffer.batches.map((batch) => batch.actor)).toEqual([userActor('user-1', key), userActor('user-1', key)]);
    expect(deps.buffer.batches[0]?.actor).toMatch(/^u_[A-Za-z0-9_-]{22}$/);
    expect(deps.buffer.batches[0]?.actor).not.toContain('user-1');
  });

  test('a batch with no valid event writes nothing and says why for each', async () => {
    // Prepare
    const deps = setup();

    // Act
    const answer = await ingestEvents({ envelope: { installId, events: [{ ...event(1), at: '1970-01-01T00:00:00Z' }, { type: 'x' }] }, userId: 'user-1', receivedAt }, deps);

    // Assess
    expect(answer.accepted).toBe(0);
    expect(answer.rejected.map((item) => item.index)).toEqual([0, 1]);
    expect(deps.buffer.batches).toEqual([]);
    expect(deps.actorKeys.keys.size).toBe(0);
  });

  test(`the ${maxBatchesPerSecond + 1}th batch of one install within a second is refused with a Retry-After, and nothing of it is written; another install is not affected`, async () => {
    // Prepare
    const deps = setup();
    for (let n = 0; n < maxBatchesPerSecond; n++) await ingestEvents({ envelope: { installId, events: [event(n)] }, userId: null, receivedAt }, deps);

    // Act
    const refused = ingestEvents({ envelope: { installId, events: [event(99)] }, userId: null, receivedAt: new Date(receivedAt.getTime() + 999) }, deps);
    const other = await ingestEvents({ envelope: { installId: '7f1c1c8e-3c55-4bb6-9a43-2a7d0c1e5a10', events: [event(98)] }, userId: null, receivedAt }, deps);
    const nextSecond = await ingestEvents({ envelope: { installId, events: [event(97)] }, userId: null, receivedAt: new Date(receivedAt.getTime() + 1000) }, deps);

    // Assess
    await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
    await expect(refused).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    expect(other.accepted).toBe(1);
    expect(nextSecond.accepted).toBe(1);
    expect(deps.buffer.batches.flatMap((batch) => batch.events.map((item) => item.id))).not.toContain(event(99).id);
  });

  test('a signed-in batch asks for the user\'s key while the install\'s rate window is being checked, not after it', async () => {
    // Prepare: the rate window answers only when released
    const deps = setup();
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const admit = deps.rates.admit.bind(deps.rates);
    deps.rates.admit = async (...args) => {
      await gate;
      return admit(...args);
    };
    const asked: string[] = [];
    const keyOf = deps.actorKeys.keyOf.bind(deps.actorKeys);
    deps.actorKeys.keyOf = async (userId) => {
      asked.push(userId);
      return keyOf(userId);
    };

    // Act
    const answer = ingestEvents({ envelope: { installId, events: [event(1)] }, userId: 'user-1', receivedAt }, deps);
    await new Promise((resolve) => setImmediate(resolve));
    const askedWhileChecking = [...asked];
    release();
    await answer;

    // Assess
    expect(askedWhileChecking).toEqual(['user-1']);
    expect(deps.buffer.batches.map((batch) => batch.actor)).toEqual([userActor('user-1', deps.actorKeys.keys.get('user-1') as Uint8Array)]);
  });

  test('a signed-in batch over the rate is refused with 429 and nothing of it is written, even when the key store fails meanwhile', async () => {
    // Prepare: the install has used up its second; the key store is down
    const deps = setup();
    for (let n = 0; n < maxBatchesPerSecond; n++) await ingestEvents({ envelope: { installId, events: [event(n)] }, userId: 'user-1', receivedAt }, deps);
    deps.actorKeys.keyOf = () => Promise.reject(new Error('key store unavailable'));

    // Act
    const refused = ingestEvents({ envelope: { installId, events: [event(99)] }, userId: 'user-1', receivedAt }, deps);

    // Assess
    await expect(refused).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    expect(deps.buffer.batches).toHaveLength(maxBatchesPerSecond);
    expect(deps.buffer.batches.flatMap((batch) => batch.events.map((item) => item.id))).not.toContain(event(99).id);
  });

  test('a failed buffer write fails the request (the client retries), and nothing is half-written', async () => {
    // Prepare
    const deps = setup();
    deps.buffer.failNext = true;

    // Act
    const answer = ingestEvents({ envelope: { installId, events: [event(1), event(2)] }, userId: null, receivedAt }, deps);

    // Assess
    await expect(answer).rejects.toThrow('buffer unavailable');
    expect(deps.buffer.batches).toEqual([]);
  });
});

describe('ingestEvents: metrics', () => {
  test('counts the events accepted and rejected of every answered batch, and nothing of a refused one', async () => {
    // Prepare
    const deps = setup();
    for (let n = 0; n < maxBatchesPerSecond - 1; n++) await ingestEvents({ envelope: { installId, events: [] }, userId: null, receivedAt }, deps);
    deps.metrics.recorded.length = 0;

    // Act
    await ingestEvents({ envelope: { installId, events: [event(1), { type: 'x' }, event(2)] }, userId: null, receivedAt }, deps);
    const refused = await ingestEvents({ envelope: { installId, events: [event(3)] }, userId: null, receivedAt }, deps).catch((err: unknown) => err);

    // Assess
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(deps.metrics.recorded).toEqual([
      { name: 'AnalyticsEventsAccepted', unit: 'Count', value: 2 },
      { name: 'AnalyticsEventsRejected', unit: 'Count', value: 1 },
    ]);
  });
});
