import { ConflictError, NotFoundError } from '@photonotes/shared/errors';
import { authorizeConnect } from '../../src/domain/authorizer';
import { getAlertRules, replaceAlertRules } from '../../src/domain/alert-rules';
import { ingestTelemetry } from '../../src/domain/ingest';
import { recordLifecycleEvent } from '../../src/domain/presence-events';
import { createThing, deleteOwnerThings, deleteThing, getThing, listThings, purgeThingData, rotateCredentials, updateThing } from '../../src/domain/registry';
import { putDesired } from '../../src/domain/desired-state';
import type { IotDeps } from '../../src/domain/deps';
import { owner, stranger, testDeps, thrownBy } from './support/iot-deps';

const context = { region: 'eu-west-1', accountId: '123456789012' };

async function connects(deps: IotDeps, thingId: string, password: string): Promise<boolean> {
  const device = await deps.devices.get(thingId);
  const stored = device ? { thingId, credential: device.credential } : undefined;
  return authorizeConnect({ clientId: thingId, username: thingId, password: Buffer.from(password).toString('base64') }, stored, deps.config.credentialKeys, context).isAuthenticated;
}

describe('createThing', () => {
  it('registers the thing and shows working credentials once', async () => {
    // Prepare
    const { deps } = testDeps();

    // Act
    const { thing, credentials } = await createThing({ name: 'Thermostat', attributes: { room: 'hall' } }, owner, deps);

    // Assess
    expect(thing).toEqual({
      thingId: '00000000-0000-4000-8000-000000000001',
      name: 'Thermostat',
      attributes: { room: 'hall' },
      online: false,
      lastSeenAt: null,
      createdAt: '2026-11-28T09:00:00.000Z',
      updatedAt: '2026-11-28T09:00:00.000Z',
    });
    expect(credentials).toMatchObject({ mqttUrl: 'mqtt://localhost:1883', clientId: thing.thingId, username: thing.thingId, topics: { telemetry: `things/${thing.thingId}/telemetry` } });
    expect(await connects(deps, thing.thingId, credentials.password)).toBe(true);
    expect(JSON.stringify(await deps.devices.get(thing.thingId))).not.toContain(credentials.password);
  });

  it('lets a user own 50 things and answers the 51st with 409', async () => {
    // Prepare
    const { deps } = testDeps();
    for (let index = 0; index < 50; index++) await createThing({ name: `thing ${index}` }, owner, deps);

    // Act
    const err = await thrownBy(() => createThing({ name: 'one too many' }, owner, deps));
    const others = await createThing({ name: 'another user' }, stranger, deps);

    // Assess
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(others.thing.name).toBe('another user');
  });

  it('frees a place when a thing is deleted', async () => {
    // Prepare
    const { deps } = testDeps();
    const created = [];
    for (let index = 0; index < 50; index++) created.push(await createThing({ name: `thing ${index}` }, owner, deps));
    await deleteThing(created[0]?.thing.thingId as string, owner, deps);

    // Act
    const again = await createThing({ name: 'replacement' }, owner, deps);

    // Assess
    expect(again.thing.name).toBe('replacement');
  });
});

describe('reading things', () => {
  it('lists the caller own things newest first, paginated', async () => {
    // Prepare
    const { deps, clock } = testDeps();
    const names = ['a', 'b', 'c'];
    for (const name of names) {
      await createThing({ name }, owner, deps);
      clock.advance(1000);
    }
    await createThing({ name: 'not mine' }, stranger, deps);

    // Act
    const first = await listThings({ limit: 2 }, owner, deps);
    const second = await listThings({ limit: 2, cursor: first.nextCursor ?? undefined }, owner, deps);

    // Assess
    expect(first.items.map((thing) => thing.name)).toEqual(['c', 'b']);
    expect(second.items.map((thing) => thing.name)).toEqual(['a']);
    expect(second.nextCursor).toBeNull();
  });

  it('shows state, delta, latest readings and presence with the thing', async () => {
    // Prepare
    const { deps, clock } = testDeps();
    const { thing } = await createThing({ name: 'Thermostat' }, owner, deps);
    await putDesired(thing.thingId, { desired: { target: 21 }, expectedVersion: undefined }, owner, deps);
    const at = clock.now.getTime();
    await recordLifecycleEvent(thing.thingId, { type: 'connected', sessionId: 's1', at }, deps);
    await ingestTelemetry({ thingId: thing.thingId, payload: JSON.stringify({ ts: at + 1000, metrics: { temp: 19.5, hum: 40 } }), receivedAt: at + 1500 }, deps);

    // Act
    const details = await getThing(thing.thingId.toUpperCase(), owner, deps);

    // Assess
    expect(details).toMatchObject({
      thingId: thing.thingId,
      online: true,
      lastSeenAt: '2026-11-28T09:00:01.500Z',
      state: { desired: { target: 21 }, reported: {}, delta: { target: 21 }, version: 1 },
      latest: { temp: { value: 19.5, at: '2026-11-28T09:00:01.000Z' }, hum: { value: 40, at: '2026-11-28T09:00:01.000Z' } },
    });
  });

  it('shows a thing with no state as version 0 with empty documents', async () => {
    // Prepare
    const { deps } = testDeps();
    const { thing } = await createThing({ name: 'Thermostat' }, owner, deps);

    // Act
    const details = await getThing(thing.thingId, owner, deps);

    // Assess
    expect(details.state).toEqual({ desired: {}, reported: {}, delta: {}, version: 0 });
    expect(details.latest).toEqual({});
  });

  it.each([
    ['another user own thing', (id: string) => id, stranger],
    ['an unknown id', () => '00000000-0000-4000-8000-00000000ffff', owner],
    ['an id that cannot be a thing', () => 'THING#1', owner],
  ])('answers %s with 404', async (_case, idOf, caller) => {
    // Prepare
    const { deps } = testDeps();
    const { thing } = await createThing({ name: 'Thermostat' }, owner, deps);

    // Act
    const errors = await Promise.all([
      thrownBy(() => getThing(idOf(thing.thingId), caller, deps)),
      thrownBy(() => updateThing(idOf(thing.thingId), { name: 'x' }, caller, deps)),
      thrownBy(() => deleteThing(idOf(thing.thingId), caller, deps)),
      thrownBy(() => rotateCredentials(idOf(thing.thingId), caller, deps)),
      thrownBy(() => getAlertRules(idOf(thing.thingId), caller, deps)),
      thrownBy(() => replaceAlertRules(idOf(thing.thingId), { rules: [] }, caller, deps)),
      thrownBy(() => putDesired(idOf(thing.thingId), { desired: {}, expectedVersion: undefined }, caller, deps)),
    ]);

    // Assess
    for (const err of errors) expect(err).toBeInstanceOf(NotFoundError);
    expect(await deps.things.get(thing.thingId)).toMatchObject({ name: 'Thermostat' });
  });
});

describe('updateThing', () => {
  it('renames and replaces attributes, moving updatedAt only', async () => {
    // Prepare
    const { deps, clock } = testDeps();
    const { thing } = await createThing({ name: 'Thermostat', attributes: { room: 'hall', floor: '1' } }, owner, deps);
    clock.advance(60_000);

    // Act
    const updated = await updateThing(thing.thingId, { attributes: { room: 'kitchen' } }, owner, deps);

    // Assess
    expect(updated).toMatchObject({ name: 'Thermostat', attributes: { room: 'kitchen' }, createdAt: thing.createdAt, updatedAt: '2026-11-28T09:01:00.000Z' });
  });
});

describe('deleteThing and rotateCredentials', () => {
  it('stops the credentials at once, disconnects the device and removes the retained desired state', async () => {
    // Prepare
    const { deps, plane } = testDeps();
    const { thing, credentials } = await createThing({ name: 'Thermostat' }, owner, deps);
    await putDesired(thing.thingId, { desired: { on: true }, expectedVersion: undefined }, owner, deps);

    // Act
    await deleteThing(thing.thingId, owner, deps);

    // Assess
    expect(await connects(deps, thing.thingId, credentials.password)).toBe(false);
    expect(plane.disconnected).toEqual([thing.thingId]);
    expect(plane.retained.has(thing.thingId)).toBe(false);
    expect(await thrownBy(() => getThing(thing.thingId, owner, deps))).toBeInstanceOf(NotFoundError);
    expect(await ingestTelemetry({ thingId: thing.thingId, payload: '{"metrics":{"temp":1}}', receivedAt: Date.now() }, deps)).toEqual({ status: 'dropped', reason: 'unknown_thing' });
  });

  it('answers 503 when the device cannot be disconnected, with the credentials already gone', async () => {
    // Prepare
    const { deps, plane } = testDeps();
    const { thing, credentials } = await createThing({ name: 'Thermostat' }, owner, deps);
    plane.failDisconnect = true;

    // Act
    const err = await thrownBy(() => deleteThing(thing.thingId, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 503 });
    expect(await connects(deps, thing.thingId, credentials.password)).toBe(false);
  });

  it('rotates: the new password works, the old one no longer, and the live connection is cut', async () => {
    // Prepare
    const { deps, plane } = testDeps();
    const { thing, credentials: old } = await createThing({ name: 'Thermostat' }, owner, deps);

    // Act
    const { credentials } = await rotateCredentials(thing.thingId, owner, deps);

    // Assess
    expect(credentials.password).not.toBe(old.password);
    expect(credentials).toMatchObject({ clientId: thing.thingId, username: old.username, mqttUrl: old.mqttUrl, topics: old.topics });
    expect(await connects(deps, thing.thingId, old.password)).toBe(false);
    expect(await connects(deps, thing.thingId, credentials.password)).toBe(true);
    expect(plane.disconnected).toEqual([thing.thingId]);
  });

  it('leaves exactly one working password after concurrent rotations', async () => {
    // Prepare
    const { deps } = testDeps();
    const { thing } = await createThing({ name: 'Thermostat' }, owner, deps);

    // Act
    const results = await Promise.all([rotateCredentials(thing.thingId, owner, deps), rotateCredentials(thing.thingId, owner, deps), rotateCredentials(thing.thingId, owner, deps)]);

    // Assess
    const working = await Promise.all(results.map(({ credentials }) => connects(deps, thing.thingId, credentials.password)));
    expect(working.filter(Boolean)).toHaveLength(1);
    expect((await deps.devices.get(thing.thingId))?.credential.generation).toBe(4);
  });
});

describe('account deletion', () => {
  it('removes every thing of the user, disconnects them, and purges their telemetry after', async () => {
    // Prepare
    const { deps, plane, telemetry, clock } = testDeps();
    const mine = [];
    for (let index = 0; index < 3; index++) mine.push((await createThing({ name: `t${index}` }, owner, deps)).thing.thingId);
    const theirs = (await createThing({ name: 'kept' }, stranger, deps)).thing.thingId;
    for (const thingId of [...mine, theirs]) {
      await ingestTelemetry({ thingId, payload: '{"metrics":{"temp":1,"hum":2}}', receivedAt: clock.now.getTime() }, deps);
    }

    // Act
    const removed = await deleteOwnerThings(owner.userId, deps);
    const purged = await Promise.all(removed.map((thingId) => purgeThingData(thingId, deps)));
    const again = await deleteOwnerThings(owner.userId, deps);

    // Assess
    expect(removed.sort()).toEqual([...mine].sort());
    expect(again).toEqual([]);
    expect(plane.disconnected.sort()).toEqual([...mine].sort());
    expect(purged.every((count) => count > 0)).toBe(true);
    expect(await telemetry.latest(mine[0] as string)).toEqual([]);
    expect((await telemetry.latest(theirs)).map((item) => item.metric).sort()).toEqual(['hum', 'temp']);
    expect(await purgeThingData(theirs, deps)).toBe(0);
  });
});
