// thing.state and thing.telemetry from iot, on fakes: a picture after every change an app can see (creation,
// presence, reported and desired state), read after the write, with a revision whose highest value is the current
// picture whatever order changes race in; deletion from the things stream; telemetry after the store, best effort.
import { createLogger } from '@photonotes/shared/log';
import { lambdaContext } from '@photonotes/shared/testing/api-event';
import { streamRecord } from '@photonotes/shared/testing/lambda-events';
import { keys } from '../../src/adapters/keys';
import { putDesired, reportState } from '../../src/domain/desired-state';
import { ingestTelemetry } from '../../src/domain/ingest';
import { recordLifecycleEvent } from '../../src/domain/presence-events';
import { createThing } from '../../src/domain/registry';
import { thingStatePicture } from '../../src/domain/thing-events';
import { purgeDeletedThingsHandler } from '../../src/functions/purge-deleted-things';
import { owner, testDeps, thrownBy } from './support/iot-deps';

const silent = createLogger({ service: 'iot', level: 'silent' });
const t0 = Date.parse('2026-11-28T09:00:00.000Z');
const report = (thingId: string, reported: unknown, receivedAt = t0) => ({ thingId, payload: JSON.stringify({ reported }), receivedAt });

async function setup() {
  const test = testDeps();
  const { thing } = await createThing({ name: 'Thermostat' }, owner, test.deps);
  return { ...test, thingId: thing.thingId };
}

describe('thing.state from iot', () => {
  it('announces a new thing: created, offline, empty state, revision 0, for its owner', async () => {
    // Prepare + Act
    const { thingEvents, thingId } = await setup();

    // Assess
    expect(thingEvents.states).toEqual([
      { change: 'created', thingId, ownerId: owner.userId, revision: 0, online: false, state: { reported: {}, desired: {}, delta: {}, version: 0 } },
    ]);
  });

  it('still registers the thing when the announcement fails, and says so in the log', async () => {
    // Prepare
    const { deps, thingEvents, store } = testDeps();
    thingEvents.failures.state = 1;
    const errors: unknown[] = [];

    // Act
    const registration = await createThing({ name: 'Lamp' }, owner, deps, { error: (...args: unknown[]) => void errors.push(args) });

    // Assess
    expect(store.thingItems.has(registration.thing.thingId)).toBe(true);
    expect(thingEvents.states).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('publishes the whole picture after a presence change, a report and a desired change, each with a higher revision', async () => {
    // Prepare
    const { deps, thingEvents, thingId } = await setup();

    // Act
    await recordLifecycleEvent(thingId, { type: 'connected', sessionId: 's1', at: t0 }, deps);
    await reportState(report(thingId, { temp: 20 }), deps);
    await putDesired(thingId, { desired: { temp: 22 }, expectedVersion: undefined }, owner, deps);
    await recordLifecycleEvent(thingId, { type: 'disconnected', sessionId: 's1', at: t0 + 5000 }, deps);

    // Assess
    const updates = thingEvents.states.slice(1);
    expect(updates.map((event) => event.change === 'deleted' ? null : [event.revision, event.online, event.state.version])).toEqual([
      [1, true, 0],
      [2, true, 1],
      [3, true, 2],
      [4, false, 2],
    ]);
    expect(updates[2]).toEqual({
      change: 'updated',
      thingId,
      ownerId: owner.userId,
      revision: 3,
      online: true,
      state: { reported: { temp: 20 }, desired: { temp: 22 }, delta: { temp: 22 }, version: 2 },
    });
  });

  it('publishes again when a retried change finds it made, so a publish that failed after the write is repaired', async () => {
    // Prepare: the report is stored, then its publish fails (the rule redelivers the message).
    const { deps, thingEvents, thingId } = await setup();
    thingEvents.failures.state = 1;
    const first = await thrownBy(() => reportState(report(thingId, { temp: 20 }), deps));

    // Act
    const retry = await reportState(report(thingId, { temp: 20 }, t0 + 1000), deps);

    // Assess
    expect(first).toBeInstanceOf(Error);
    expect(retry.status).toBe('unchanged');
    expect(thingEvents.states.at(-1)).toMatchObject({ change: 'updated', revision: 1, state: { reported: { temp: 20 }, version: 1 } });
  });

  it('ends on a picture that holds every change whatever order racing writers publish in: the highest revision is the current state', async () => {
    // Prepare: reports and lifecycle events written concurrently.
    const { deps, thingEvents, thingId } = await setup();

    // Act
    await Promise.all([
      reportState(report(thingId, { a: 1 }), deps),
      recordLifecycleEvent(thingId, { type: 'connected', sessionId: 's1', at: t0 }, deps),
      reportState(report(thingId, { b: 2 }, t0 + 1), deps),
      putDesired(thingId, { desired: { a: 3 }, expectedVersion: undefined }, owner, deps),
      recordLifecycleEvent(thingId, { type: 'disconnected', sessionId: 's1', at: t0 + 10 }, deps),
      recordLifecycleEvent(thingId, { type: 'connected', sessionId: 's2', at: t0 + 20 }, deps),
    ]);

    // Assess: a consumer keeping the highest revision holds exactly what a read shows now.
    const newest = [...thingEvents.states].sort((a, b) => (a.change === 'deleted' || b.change === 'deleted' ? 0 : b.revision - a.revision))[0];
    expect(newest).toEqual(await thingStatePicture(thingId, deps));
    expect(newest).toMatchObject({ online: true, state: { reported: { a: 1, b: 2 }, desired: { a: 3 } } });
  });

  it('publishes nothing for a report it drops', async () => {
    // Prepare
    const { deps, thingEvents, thingId } = await setup();

    // Act
    await reportState({ thingId, payload: 'not json', receivedAt: t0 }, deps);

    // Assess
    expect(thingEvents.states).toHaveLength(1);
  });

  it('announces the removal of a thing record from the things stream, before its purge, and retries it with the record', async () => {
    // Prepare
    const { deps, thingEvents, thingId } = await setup();
    const handler = purgeDeletedThingsHandler(() => deps, silent);
    const { pk, sk } = keys.thing(thingId);
    const record = streamRecord('1', 'REMOVE', { keys: { pk, sk } });
    thingEvents.failures.state = 1;

    // Act
    const failed = await handler({ Records: [record] }, lambdaContext());
    const statesAfterFailure = thingEvents.states.length;
    const retried = await handler({ Records: [record] }, lambdaContext());

    // Assess
    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
    expect(statesAfterFailure).toBe(1);
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(thingEvents.states.at(-1)).toEqual({ change: 'deleted', thingId });
  });
});

describe('thing.telemetry from iot', () => {
  const message = (thingId: string, metrics: Record<string, number>, ts = t0) => ({ thingId, payload: JSON.stringify({ ts, metrics }), receivedAt: ts + 100 });

  it('publishes each stored message once, with its owner, time and metrics, after storing it', async () => {
    // Prepare
    const { deps, thingEvents, telemetry, thingId } = await setup();
    let storedWhenPublished = -1;
    const publish = deps.thingEvents.telemetry.bind(deps.thingEvents);
    deps.thingEvents.telemetry = async (data) => {
      storedWhenPublished = telemetry.commits;
      await publish(data);
    };

    // Act
    const first = await ingestTelemetry(message(thingId, { temp: 21.5, hum: 40 }), deps);
    const redelivered = await ingestTelemetry(message(thingId, { temp: 21.5, hum: 40 }), deps);

    // Assess
    expect([first, redelivered]).toMatchObject([{ streamed: true }, { streamed: false }]);
    expect(storedWhenPublished).toBe(1);
    expect(thingEvents.readings).toEqual([
      { thingId, ownerId: owner.userId, at: new Date(t0).toISOString(), metrics: [{ name: 'temp', value: 21.5 }, { name: 'hum', value: 40 }] },
    ]);
  });

  it('keeps the readings when the publish fails, and reports the failure instead of throwing', async () => {
    // Prepare
    const { deps, thingEvents, telemetry, thingId } = await setup();
    thingEvents.failures.telemetry = 1;

    // Act
    const outcome = await ingestTelemetry(message(thingId, { temp: 21.5 }), deps);

    // Assess
    expect(outcome).toMatchObject({ status: 'stored', readings: { inserted: 1 }, streamed: false, streamError: expect.any(Error) });
    expect(telemetry.commits).toBe(1);
    expect(await telemetry.latest(thingId)).toEqual([{ metric: 'temp', value: 21.5, at: t0 }]);
  });

  it('publishes nothing for a message it drops', async () => {
    // Prepare
    const { deps, thingEvents, thingId } = await setup();

    // Act
    await ingestTelemetry({ thingId, payload: '{"metrics":{}}', receivedAt: t0 }, deps);

    // Assess
    expect(thingEvents.readings).toEqual([]);
  });
});
