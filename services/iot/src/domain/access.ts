// Who may see a thing: its owner. Anyone else, and any id that cannot be a thing's, gets the same 404.
import { NotFoundError } from '@photonotes/shared/errors';
import type { Caller, IotDeps } from './deps';
import type { StoredThing } from './thing';
import { normaliseThingId } from './thing';

export const thingNotFound = (): NotFoundError => new NotFoundError('Thing not found');

export async function ownedThing(thingIdText: string, caller: Caller, deps: Pick<IotDeps, 'things'>): Promise<StoredThing> {
  const thingId = normaliseThingId(thingIdText);
  if (thingId === undefined) throw thingNotFound();
  const thing = await deps.things.get(thingId);
  if (!thing || thing.ownerId !== caller.userId) throw thingNotFound();
  return thing;
}
