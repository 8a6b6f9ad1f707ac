// Applying a lifecycle event (`$aws/events/presence/connected|disconnected/<clientId>`) to the thing's
// presence: read, fold in (presence.ts), write back conditional on the presence revision, then publish the thing's
// picture (thing-events.ts), also when the event changed nothing: a retry after a failed publish repairs it.
import type { IotDeps } from './deps';
import { maxWriteAttempts, pauseBeforeRetry } from './deps';
import type { LifecycleEvent } from './presence';
import { applyLifecycle, isOnline, lastConnectedAt, samePresence } from './presence';
import { normaliseThingId } from './thing';
import { publishThingState } from './thing-events';

/** `changed`: what apps see moved (online, or the connection time behind lastSeenAt). */
export type PresenceOutcome = { status: 'unknown_thing' } | { status: 'applied'; changed: boolean; online: boolean };

export async function recordLifecycleEvent(clientId: string, event: LifecycleEvent, deps: Pick<IotDeps, 'devices' | 'states' | 'thingEvents' | 'pause'>): Promise<PresenceOutcome> {
  const thingId = normaliseThingId(clientId);
  if (thingId === undefined) return { status: 'unknown_thing' };
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
    const stored = await deps.devices.presence(thingId);
    if (!stored) return { status: 'unknown_thing' };
    const next = applyLifecycle(stored.presence, event);
    const visible = isOnline(next) !== isOnline(stored.presence) || lastConnectedAt(next) !== lastConnectedAt(stored.presence);
    if (samePresence(next, stored.presence)) {
      await publishThingState(thingId, deps);
      return { status: 'applied', changed: false, online: isOnline(next) };
    }
    const outcome = await deps.devices.savePresence(thingId, stored.rev, next);
    if (outcome === 'gone') return { status: 'unknown_thing' };
    if (outcome === 'saved') {
      // Every saved change, even one apps do not see (an older session's disconnect): the revision moved, and the
      // last writer's picture must be published for consumers to end on the current one.
      await publishThingState(thingId, deps);
      return { status: 'applied', changed: visible, online: isOnline(next) };
    }
    await pauseBeforeRetry(deps, attempt);
  }
  throw new Error(`Presence of ${thingId} kept changing; giving up after ${maxWriteAttempts} attempts`);
}
