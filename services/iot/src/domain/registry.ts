// The thing registry: register (with credentials shown once), list newest first, read with state and
// latest readings, rename, rotate credentials, delete. Credentials end with the write that removes or
// replaces them (the authorizer reads them strongly consistent); the device's live connection is cut right
// after, since the broker keeps an authorizer's decision for minutes.
import { ConflictError, ServiceUnavailableError } from '@photonotes/shared/errors';
import type { Logger } from '@photonotes/shared/log';
import { ownedThing, thingNotFound } from './access';
import type { Caller, IotDeps } from './deps';
import { maxWriteAttempts, pauseBeforeRetry } from './deps';
import type { Credentials } from './credentials';
import { credentialsResponse, issueCredential } from './credentials';
import { objectFrom } from './json-document';
import type { Page, PageRequest } from './ports';
import { ThingLimitError } from './ports';
import type { StateView } from './state';
import { stateView } from './state';
import type { Thing } from './thing';
import { thingLimits, toThing } from './thing';
import type { CreateThingInput, UpdateThingInput } from './thing-input';
import { createdPicture } from './thing-events';

export interface Registration {
  thing: Thing;
  credentials: Credentials;
}

export interface ThingDetails extends Thing {
  state: StateView;
  latest: Record<string, { value: number; at: string }>;
}

const neverActive = { presence: { current: null, orphans: [] }, lastMessageAt: null };

/**
 * Registers the thing, then announces it (thing.state `created`). A failed announcement does not fail the request: the
 * thing exists and a retried POST would register a second one; the thing's first presence or state change publishes
 * its whole picture, owner included, which stands in for it.
 */
export async function createThing(input: CreateThingInput, caller: Caller, deps: Pick<IotDeps, 'things' | 'thingEvents' | 'config' | 'now' | 'newId'>, log?: Pick<Logger, 'error'>): Promise<Registration> {
  const now = deps.now().toISOString();
  const thing = { thingId: deps.newId(), ownerId: caller.userId, name: input.name, attributes: input.attributes ?? {}, createdAt: now, updatedAt: now };
  const issued = issueCredential(thing.thingId, 1, deps.config.credentialKeys);
  try {
    await deps.things.create(thing, issued.record, thingLimits.perOwner);
  } catch (err) {
    if (err instanceof ThingLimitError) throw new ConflictError(`A user may own at most ${thingLimits.perOwner} things`);
    throw err;
  }
  try {
    await deps.thingEvents.state(createdPicture(thing));
  } catch (err) {
    log?.error('thing.state (created) not published', { thingId: thing.thingId, err });
  }
  return { thing: toThing(thing, neverActive), credentials: credentialsResponse(thing.thingId, issued.password, deps.config.endpoint) };
}

export async function listThings(page: PageRequest, caller: Caller, deps: Pick<IotDeps, 'things'>): Promise<Page<Thing>> {
  const result = await deps.things.listByOwner(caller.userId, page);
  return { items: result.items.map(({ thing, activity }) => toThing(thing, activity)), nextCursor: result.nextCursor };
}

export async function getThing(thingIdText: string, caller: Caller, deps: Pick<IotDeps, 'things' | 'devices' | 'states' | 'telemetry'>): Promise<ThingDetails> {
  const thing = await ownedThing(thingIdText, caller, deps);
  const [device, state, latest] = await Promise.all([deps.devices.get(thing.thingId), deps.states.get(thing.thingId), deps.telemetry.latest(thing.thingId)]);
  return {
    ...toThing(thing, device?.activity ?? neverActive),
    state: stateView(state),
    latest: objectFrom(latest.map(({ metric, value, at }) => [metric, { value, at: new Date(at).toISOString() }] as const)),
  };
}

export async function updateThing(thingIdText: string, patch: UpdateThingInput, caller: Caller, deps: Pick<IotDeps, 'things' | 'devices' | 'now'>): Promise<Thing> {
  const thing = await ownedThing(thingIdText, caller, deps);
  const next = { ...thing, name: patch.name ?? thing.name, attributes: patch.attributes ?? thing.attributes, updatedAt: deps.now().toISOString() };
  if (!(await deps.things.update(next))) throw thingNotFound();
  const device = await deps.devices.get(thing.thingId);
  return toThing(next, device?.activity ?? neverActive);
}

/**
 * Removes the thing at once (credentials included) and cuts its connection; its telemetry goes later: the removal
 * of its record reaches purgeThingData through the things table's stream.
 */
export async function deleteThing(thingIdText: string, caller: Caller, deps: Pick<IotDeps, 'things' | 'plane'>): Promise<void> {
  const thing = await ownedThing(thingIdText, caller, deps);
  if (!(await deps.things.remove(thing))) throw thingNotFound();
  await disconnectRemoved(thing.thingId, deps);
}

async function disconnectRemoved(thingId: string, deps: Pick<IotDeps, 'plane'>): Promise<void> {
  try {
    await Promise.all([deps.plane.disconnect(thingId), deps.plane.clearDesired(thingId)]);
  } catch (err) {
    // The credential is gone already: a retry of the request finds no thing, but the broker refuses the device at its next authorization.
    throw new ServiceUnavailableError('The thing was deleted, but its device could not be disconnected yet', undefined, { cause: err });
  }
}

export async function rotateCredentials(thingIdText: string, caller: Caller, deps: Pick<IotDeps, 'things' | 'devices' | 'plane' | 'config' | 'pause'>): Promise<{ credentials: Credentials }> {
  const thing = await ownedThing(thingIdText, caller, deps);
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
    const device = await deps.devices.get(thing.thingId);
    if (!device) throw thingNotFound();
    const generation = device.credential.generation;
    const issued = issueCredential(thing.thingId, generation + 1, deps.config.credentialKeys);
    const outcome = await deps.devices.replaceCredential(thing.thingId, generation, issued.record);
    if (outcome === 'gone') throw thingNotFound();
    if (outcome === 'saved') {
      await deps.plane.disconnect(thing.thingId);
      return { credentials: credentialsResponse(thing.thingId, issued.password, deps.config.endpoint) };
    }
    await pauseBeforeRetry(deps, attempt);
  }
  throw new ServiceUnavailableError('Credentials are being rotated concurrently; retry');
}

/** `user.deleted`: every thing of the user is removed and disconnected; returns their ids for the telemetry purge. Safe to repeat. */
export async function deleteOwnerThings(ownerId: string, deps: Pick<IotDeps, 'things' | 'plane'>): Promise<string[]> {
  const removed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.things.listByOwner(ownerId, { limit: 100, cursor });
    for (const { thing } of page.items) {
      if (await deps.things.remove(thing)) removed.push(thing.thingId);
      await disconnectRemoved(thing.thingId, deps);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return removed;
}

/**
 * After a thing is removed: its series (readings, rollups, heads) and anything that raced the removal. Safe to repeat
 * and to run twice at once (account deletion purges its things, and the stream purges each removed record too).
 */
export async function purgeThingData(thingId: string, deps: Pick<IotDeps, 'things' | 'telemetry'>): Promise<number> {
  if (await deps.things.get(thingId)) return 0;
  const items = await deps.telemetry.purge(thingId);
  return items + (await deps.things.purgeRemains(thingId));
}
