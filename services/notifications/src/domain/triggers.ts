// The events that notify, turned into notification requests (the contracts: shared/src/contracts):
//   note-events    note.changed where a user is newly in the note's sharedWith → note.shared { noteId }
//   media-events   media.processed → media.ready / media.failed { key } to the uploader
//   thing-events   thing.alert → thing.alert { thingId, ruleId, metric, value, at } to the thing's owner
import type { EventOf } from '@photonotes/shared/contracts/event';
import { positiveIntegerParam } from '@photonotes/shared/env';
import type { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import type { noteChanged } from '@photonotes/shared/contracts/note-events';
import type { thingAlert } from '@photonotes/shared/contracts/thing-events';
import type { NotificationRequest } from './delivery';
import { mediaProcessedContent, noteSharedContent, thingAlertContent } from './notification';

/**
 * API.md: a recipient hears of a note's sharing at most once in 24 hours, however often it is unshared and shared
 * again. The default of the stage param noteSharedQuietHours.
 */
export const defaultNoteSharedQuietHours = 24;

/** The stage's window (param noteSharedQuietHours), in seconds; a missing or malformed value fails loudly. */
export function noteSharedQuietSecondsFrom(rawHours: string): number {
  return positiveIntegerParam('noteSharedQuietHours', rawHours) * 3600;
}

/**
 * One note.shared per user who is in the note's sharedWith after the change and was not before it, at most once
 * per note and recipient in `quietSeconds` (so toggling a share is no channel for repeated messages).
 */
export function noteShareRequests(event: EventOf<typeof noteChanged>, quietSeconds: number): NotificationRequest[] {
  const note = event.data;
  if (note.change === 'deleted') return [];
  const before = new Set(note.previous?.sharedWith ?? []);
  const added = [...new Set(note.sharedWith)].filter((userId) => !before.has(userId) && userId !== note.ownerId);
  // The note's version names this change: a repeated event repeats it, a later re-share does not.
  const eventId = `note.shared:${note.noteId}:${note.version}`;
  return added.map((recipient) => ({
    eventId,
    recipient,
    content: noteSharedContent({ id: note.noteId, title: note.title }),
    onceWithin: { key: `note.shared:${note.noteId}\n${recipient}`, seconds: quietSeconds },
  }));
}

export function mediaProcessedRequest(event: EventOf<typeof mediaProcessed>): NotificationRequest {
  const { key, ownerId, status } = event.data;
  return { eventId: event.id, recipient: ownerId, content: mediaProcessedContent(key, status) };
}

/** The firing's id is the event id: a republished firing is delivered once. */
export function thingAlertRequest(event: EventOf<typeof thingAlert>): NotificationRequest {
  const { ownerId, ...alert } = event.data;
  return { eventId: event.id, recipient: ownerId, content: thingAlertContent(alert) };
}
