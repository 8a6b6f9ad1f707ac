// The events that notify, turned into notification requests:
//   notes stream   a user newly present in a note's sharedWith (NEW image against OLD) → note.shared { noteId }
//   media-events   media.processed → media.ready / media.failed { key } to the uploader
// Records and messages that cannot be read are dropped with a reason (a retry could not fix them).
import * as z from 'zod/mini';
import type { DomainEvent } from '@photonotes/shared/domain-event';
import { parseMediaKey } from '@photonotes/shared/media-keys';
import type { NotificationRequest } from './delivery';
import { mediaProcessedContent, noteSharedContent } from './notification';

export type TriggerOutcome<T> = { kind: 'apply'; value: T } | { kind: 'ignore' } | { kind: 'invalid'; issues: string[] };

function issuesOf(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}

// Unmarshalled images: a list comes back as an array, a string set as a Set.
const userIds = z.pipe(
  z.union([z.array(z.string()), z.set(z.string())]),
  z.transform((ids: string[] | Set<string>) => [...ids]),
);

/** The attributes of a core-api note item (services/core-api/src/adapters/keys.ts) this service reads. */
const noteImage = z.object({
  entity: z.literal('note'),
  id: z.string().check(z.minLength(1)),
  ownerId: z.string().check(z.minLength(1)),
  title: z.string(),
  sharedWith: z._default(userIds, []),
  version: z.number(),
});

export interface NoteChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage: Record<string, unknown> | undefined;
  oldImage: Record<string, unknown> | undefined;
}

/** One note.shared per user who is in the new image's sharedWith and was not in the old one. */
export function noteShareRequests(change: NoteChange): TriggerOutcome<NotificationRequest[]> {
  if (change.eventName === 'REMOVE' || change.newImage?.entity !== 'note') return { kind: 'ignore' };
  const next = z.safeParse(noteImage, change.newImage);
  if (!next.success) return { kind: 'invalid', issues: issuesOf(next.error) };
  const previous = change.oldImage?.entity === 'note' ? z.safeParse(noteImage, change.oldImage) : undefined;
  if (previous && !previous.success) return { kind: 'invalid', issues: issuesOf(previous.error) };
  const before = new Set(previous?.data.sharedWith ?? []);
  const note = next.data;
  const added = [...new Set(note.sharedWith)].filter((userId) => !before.has(userId) && userId !== note.ownerId);
  // The note's version names this change: a redelivered record repeats it, a later re-share does not.
  const eventId = `note.shared:${note.id}:${note.version}`;
  return { kind: 'apply', value: added.map((recipient) => ({ eventId, recipient, content: noteSharedContent(note) })) };
}

/** The media-events envelope data of media.processed (published by thumbnails). */
export const mediaProcessedData = z.object({
  key: z.string().check(z.minLength(1), z.maxLength(1024)),
  ownerId: z.optional(z.string().check(z.minLength(1))),
  status: z.enum(['ready', 'failed']),
});

export function mediaProcessedRequest(event: DomainEvent<unknown>): TriggerOutcome<NotificationRequest> {
  if (event.type !== 'media.processed') return { kind: 'ignore' };
  const parsed = z.safeParse(mediaProcessedData, event.data);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const { key, status } = parsed.data;
  // Keys carry the uploader too (shared/src/media-keys.ts), for events that omit ownerId.
  const recipient = parsed.data.ownerId ?? parseMediaKey(key)?.userId;
  if (recipient === undefined) return { kind: 'invalid', issues: ['data.ownerId: missing, and the key names no uploader'] };
  return { kind: 'apply', value: { eventId: event.id, recipient, content: mediaProcessedContent(key, status) } };
}

export const userDeletedData = z.object({ userId: z.string().check(z.minLength(1)) });

export function userDeletedRequest(event: DomainEvent<unknown>): TriggerOutcome<{ userId: string }> {
  if (event.type !== 'user.deleted') return { kind: 'ignore' };
  const parsed = z.safeParse(userDeletedData, event.data);
  return parsed.success ? { kind: 'apply', value: parsed.data } : { kind: 'invalid', issues: issuesOf(parsed.error) };
}
