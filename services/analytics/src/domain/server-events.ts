// server.* events: what the other services announce on their topics (shared/src/contracts), recorded as analytics
// events of the user concerned, with no app involved. Each gets a UUID derived from the announcing event's id, so a
// redelivered announcement is the same analytics event (counted once by the claims).
import { nameUuid } from '@photonotes/shared/name-uuid';
import type { EventData } from '@photonotes/shared/contracts/event';
import type { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import type { noteChanged } from '@photonotes/shared/contracts/note-events';
import type { thingAlert } from '@photonotes/shared/contracts/thing-events';
import type { userSignedUp } from '@photonotes/shared/contracts/user-events';
import { userActor } from './actors';
import type { AcceptedBatch } from './batch';
import type { EventInput } from './event-input';
import type { ActorKeys, EventBuffer } from './ports';

export const serverEventTypes = ['server.user.signed_up', 'server.note.created', 'server.note.shared', 'server.media.processed', 'server.thing.alert'] as const;
export type ServerEventType = (typeof serverEventTypes)[number];

/** An announcement as recorded: whose it is and the analytics events it makes. */
export interface ServerEvents {
  userId: string;
  events: EventInput[];
}

interface Announcement<D> {
  id: string;
  occurredAt: string;
  data: D;
}

const iso = (value: string) => new Date(Date.parse(value)).toISOString();

function serverEvent(type: ServerEventType, name: string, at: string, extra: Partial<Pick<EventInput, 'attributes' | 'metrics'>> = {}): EventInput {
  return { id: nameUuid(`${type}:${name}`), type, at: iso(at), sessionId: null, attributes: extra.attributes ?? {}, metrics: extra.metrics ?? {} };
}

export function signedUpEvents(event: Announcement<EventData<typeof userSignedUp>>): ServerEvents {
  return { userId: event.data.userId, events: [serverEvent('server.user.signed_up', event.id, event.data.signedUpAt)] };
}

/** A created note, and a note whose sharedWith gained someone (on creation too): shared, with how many were added. */
export function noteEvents(event: Announcement<EventData<typeof noteChanged>>): ServerEvents {
  const note = event.data;
  const events: EventInput[] = [];
  if (note.change === 'created') {
    events.push(serverEvent('server.note.created', event.id, note.createdAt, { attributes: { visibility: note.visibility }, metrics: { tags: note.tags.length } }));
  }
  if (note.change !== 'deleted') {
    const before = new Set(note.previous?.sharedWith ?? []);
    const added = note.sharedWith.filter((userId) => !before.has(userId)).length;
    if (added > 0) events.push(serverEvent('server.note.shared', event.id, note.updatedAt, { metrics: { recipients: added } }));
  }
  return { userId: note.ownerId, events };
}

export function mediaEvents(event: Announcement<EventData<typeof mediaProcessed>>): ServerEvents {
  return { userId: event.data.ownerId, events: [serverEvent('server.media.processed', event.id, event.occurredAt, { attributes: { status: event.data.status } })] };
}

export function thingEvents(event: Announcement<EventData<typeof thingAlert>>): ServerEvents {
  const alert = event.data;
  return {
    userId: alert.ownerId,
    events: [serverEvent('server.thing.alert', event.id, event.occurredAt, { attributes: { metric: alert.metric }, metrics: { value: alert.value } })],
  };
}

/** Hands the events to the buffer as one batch of the user's actor; nothing when there are none. */
export async function recordServerEvents(
  recorded: ServerEvents,
  receivedAt: Date,
  deps: { actorKeys: ActorKeys; buffer: EventBuffer; newBatchId: () => string },
): Promise<number> {
  if (recorded.events.length === 0) return 0;
  const batch: AcceptedBatch = {
    batchId: deps.newBatchId(),
    receivedAt: receivedAt.toISOString(),
    installId: null,
    actor: userActor(recorded.userId, await deps.actorKeys.keyOf(recorded.userId)),
    platform: null,
    appVersion: null,
    events: recorded.events,
  };
  await deps.buffer.put(batch);
  return recorded.events.length;
}
