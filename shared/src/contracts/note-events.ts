// The `note-events` topic (owned by core-api): every change of a note, republished once from the notes table's
// stream, so new consumers (notifications today; analytics and realtime next) never add a stream reader.
// It carries what those consumers need to act without reading core-api's table, never the whole item: no body
// (up to 20 000 characters of private text nobody but search needs, and search reads the stream), no photo
// URLs, no table internals.
import * as z from 'zod/mini';
import { defineEvent } from './event';

const userIds = z.array(z.string().check(z.minLength(1)));
const access = { visibility: z.enum(['private', 'public']), sharedWith: userIds };

/**
 * One per note version. The fields describe the note as the change left it (for `deleted`: as it was when
 * deleted); `previous` is who could see it before an update (null for `created` and `deleted`), so a consumer
 * tells who gained or lost access from the event alone, whatever order events arrive in.
 */
export const noteChanged = defineEvent({
  type: 'note.changed',
  version: 1,
  topic: 'note-events',
  producer: 'core-api',
  data: z.object({
    noteId: z.string().check(z.minLength(1)),
    ownerId: z.string().check(z.minLength(1)),
    /** The note's version after the change; a deletion carries the version it deleted. */
    version: z.number().check(z.int(), z.minimum(1)),
    change: z.enum(['created', 'updated', 'deleted']),
    title: z.string(),
    tags: z.array(z.string()),
    ...access,
    photoStatus: z.nullable(z.enum(['pending', 'ready', 'failed'])),
    /** The note's createdAt / updatedAt (ISO-8601). */
    createdAt: z.string(),
    updatedAt: z.string(),
    previous: z.nullable(z.object({ version: z.number().check(z.int(), z.minimum(1)), ...access })),
  }),
});

export type NoteChange = z.output<typeof noteChanged.data>;

/** The event's id: the same note version always gets the same id, so a republished change is a recognisable repeat. */
export function noteChangedEventId(change: Pick<NoteChange, 'noteId' | 'version' | 'change'>): string {
  return `note.changed:${change.noteId}:${change.version}${change.change === 'deleted' ? ':deleted' : ''}`;
}

/**
 * True when `candidate` is newer than `seen` for the same note: a higher version, or the deletion of the same
 * version (a note is never written again after it). A consumer that keeps the last change it applied per note
 * ignores every event for which this is false: repeats and stale, out-of-order ones.
 */
export function supersedes(candidate: Pick<NoteChange, 'version' | 'change'>, seen: Pick<NoteChange, 'version' | 'change'>): boolean {
  if (candidate.version !== seen.version) return candidate.version > seen.version;
  return candidate.change === 'deleted' && seen.change !== 'deleted';
}
