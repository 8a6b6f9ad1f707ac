// thing.state: what an app sees of a thing (online, and its state as GET /things/{thingId} shows it), published after
// every change of either. Each publish reads both halves after its own write, so whichever change was written last,
// its publisher saw every earlier one: the picture with the highest revision (presence revision + state version) is
// the current one, and consumers keep only that (shared/src/contracts/thing-events.ts). A writer that finds nothing to
// change publishes again all the same: that repairs a publish that failed after its write (the retry of the device
// message or request finds the write done), and the consumer drops it as a repeat when it was not lost.
import type { ThingStateData } from '@photonotes/shared/contracts/thing-events';
import type { IotDeps } from './deps';
import { isOnline } from './presence';
import { emptyState, stateView } from './state';
import type { StoredThing } from './thing';

type PublishDeps = Pick<IotDeps, 'devices' | 'states' | 'thingEvents'>;

/** The thing's current picture; undefined when it is gone (its deletion is published from the things table's stream). */
export async function thingStatePicture(thingId: string, deps: Pick<IotDeps, 'devices' | 'states'>): Promise<ThingStateData | undefined> {
  const [device, state] = await Promise.all([deps.devices.presence(thingId), deps.states.get(thingId)]);
  if (!device) return undefined;
  return { change: 'updated', thingId, ownerId: device.ownerId, revision: device.rev + state.version, online: isOnline(device.presence), state: stateView(state) };
}

/** After a change of the thing's presence or state (or a retry that found it made): its picture, read now. */
export async function publishThingState(thingId: string, deps: PublishDeps): Promise<boolean> {
  const picture = await thingStatePicture(thingId, deps);
  if (!picture) return false;
  await deps.thingEvents.state(picture);
  return true;
}

/** A new thing: offline, no state, revision 0 (every later picture is above it). */
export function createdPicture(thing: Pick<StoredThing, 'thingId' | 'ownerId'>): ThingStateData {
  return { change: 'created', thingId: thing.thingId, ownerId: thing.ownerId, revision: 0, online: false, state: stateView(emptyState()) };
}

export function deletedPicture(thingId: string): ThingStateData {
  return { change: 'deleted', thingId };
}
