import { PreconditionFailedError, ValidationError } from '@photonotes/shared/errors';
import { putDesired, reportState } from '../../src/domain/desired-state';
import { createThing } from '../../src/domain/registry';
import { owner, testDeps, thrownBy } from './support/iot-deps';

async function withThing() {
  const setup = testDeps();
  const { thing } = await createThing({ name: 'Thermostat' }, owner, setup.deps);
  return { ...setup, thingId: thing.thingId };
}

const report = (thingId: string, reported: unknown, receivedAt = Date.parse('2026-11-28T09:00:00.000Z')) => ({ thingId, payload: JSON.stringify({ reported }), receivedAt });

describe('putDesired', () => {
  it('merges, versions, and publishes { version, desired } as the retained message', async () => {
    // Prepare
    const { deps, plane, thingId } = await withThing();

    // Act
    await putDesired(thingId, { desired: { mode: 'heat', schedule: { on: '07:00' } }, expectedVersion: 0 }, owner, deps);
    const view = await putDesired(thingId, { desired: { schedule: { off: '22:00' }, mode: null }, expectedVersion: 1 }, owner, deps);

    // Assess
    expect(view).toEqual({ desired: { schedule: { on: '07:00', off: '22:00' } }, reported: {}, delta: { schedule: { on: '07:00', off: '22:00' } }, version: 2 });
    expect(plane.retained.get(thingId)).toEqual({ version: 2, desired: { schedule: { on: '07:00', off: '22:00' } } });
  });

  it('answers a stale If-Match with 412 and the current state, changing nothing', async () => {
    // Prepare
    const { deps, store, plane, thingId } = await withThing();
    await putDesired(thingId, { desired: { target: 20 }, expectedVersion: undefined }, owner, deps);
    await reportState(report(thingId, { target: 18 }), deps);
    const saves = store.stateSaves;
    const publications = plane.published.length;

    // Act: the app read version 1; the device's report made it 2
    const err = await thrownBy(() => putDesired(thingId, { desired: { target: 22 }, expectedVersion: 1 }, owner, deps));

    // Assess
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect(err).toMatchObject({ status: 412, details: [{ current: { desired: { target: 20 }, reported: { target: 18 }, delta: { target: 20 }, version: 2 } }] });
    expect(store.stateSaves).toBe(saves);
    expect(plane.published).toHaveLength(publications);
  });

  it('answers 412 when a report lands between the read and the write under If-Match', async () => {
    // Prepare
    const { deps, store, thingId } = await withThing();
    store.beforeNextStateSave = () => store.stateItems.set(thingId, { desired: {}, reported: { target: 18 }, version: 1 });

    // Act
    const err = await thrownBy(() => putDesired(thingId, { desired: { target: 22 }, expectedVersion: 0 }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 412, details: [{ current: { version: 1, reported: { target: 18 } } }] });
  });

  it('retries without If-Match and keeps the concurrent report', async () => {
    // Prepare
    const { deps, store, plane, thingId } = await withThing();
    store.beforeNextStateSave = () => store.stateItems.set(thingId, { desired: {}, reported: { target: 18 }, version: 1 });

    // Act
    const view = await putDesired(thingId, { desired: { target: 22 }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(view).toEqual({ desired: { target: 22 }, reported: { target: 18 }, delta: { target: 22 }, version: 2 });
    expect(plane.retained.get(thingId)).toEqual({ version: 2, desired: { target: 22 } });
  });

  it('keeps the version on a no-op and publishes again (repairing a lost publication)', async () => {
    // Prepare
    const { deps, plane, thingId } = await withThing();
    await putDesired(thingId, { desired: { target: 22 }, expectedVersion: undefined }, owner, deps);
    plane.retained.clear();

    // Act
    const view = await putDesired(thingId, { desired: { target: 22 }, expectedVersion: 1 }, owner, deps);

    // Assess
    expect(view.version).toBe(1);
    expect(plane.retained.get(thingId)).toEqual({ version: 1, desired: { target: 22 } });
  });

  it('ends with the newest desired state retained when writers race', async () => {
    // Prepare
    const { deps, plane, thingId } = await withThing();

    // Act
    await Promise.all(Array.from({ length: 8 }, (_, index) => putDesired(thingId, { desired: { [`k${index}`]: index }, expectedVersion: undefined }, owner, deps)));

    // Assess
    const state = await deps.states.get(thingId);
    expect(state.version).toBe(8);
    expect(plane.retained.get(thingId)).toEqual({ version: 8, desired: state.desired });
  });

  it('refuses a merge that would pass 8 KB with a 400', async () => {
    // Prepare
    const { deps, thingId } = await withThing();
    await putDesired(thingId, { desired: { a: 'x'.repeat(5000) }, expectedVersion: undefined }, owner, deps);

    // Act
    const err = await thrownBy(() => putDesired(thingId, { desired: { b: 'y'.repeat(5000) }, expectedVersion: undefined }, owner, deps));

    // Assess
    expect(err).toBeInstanceOf(ValidationError);
  });
});

describe('reportState', () => {
  it('merges reports, empties the delta when the device caught up, and ignores repeats', async () => {
    // Prepare
    const { deps, thingId } = await withThing();
    await putDesired(thingId, { desired: { target: 21, mode: 'heat' }, expectedVersion: undefined }, owner, deps);

    // Act
    const first = await reportState(report(thingId, { target: 21 }), deps);
    const second = await reportState(report(thingId, { mode: 'heat', fw: '1.2' }), deps);
    const repeat = await reportState(report(thingId, { mode: 'heat' }), deps);

    // Assess
    expect(first).toMatchObject({ status: 'stored', state: { delta: { mode: 'heat' }, version: 2 } });
    expect(second).toMatchObject({ status: 'stored', state: { reported: { target: 21, mode: 'heat', fw: '1.2' }, delta: {}, version: 3 } });
    expect(repeat).toMatchObject({ status: 'unchanged', state: { version: 3 } });
  });

  it.each([
    ['a non-JSON payload', 'reported', 'not_json'],
    ['a report past 8 KB', JSON.stringify({ reported: { a: 'x'.repeat(8200) } }), 'too_large'],
    ['a report that is not an object', JSON.stringify({ reported: 3 }), 'malformed'],
  ])('drops %s', async (_case, payload, reason) => {
    // Prepare
    const { deps, thingId } = await withThing();

    // Act
    const outcome = await reportState({ thingId, payload, receivedAt: Date.now() }, deps);

    // Assess
    expect(outcome).toMatchObject({ status: 'dropped', reason });
    expect((await deps.states.get(thingId)).version).toBe(0);
  });

  it('drops a report whose merge would pass 8 KB, and one from an unknown thing', async () => {
    // Prepare
    const { deps, thingId } = await withThing();
    await reportState(report(thingId, { a: 'x'.repeat(5000) }), deps);

    // Act
    const tooLarge = await reportState(report(thingId, { b: 'y'.repeat(5000) }), deps);
    const unknown = await reportState(report('00000000-0000-4000-8000-00000000ffff', { a: 1 }), deps);

    // Assess
    expect(tooLarge).toMatchObject({ status: 'dropped', reason: 'too_large' });
    expect(unknown).toEqual({ status: 'dropped', reason: 'unknown_thing' });
  });
});
