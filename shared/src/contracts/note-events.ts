// The `note-events` topic (owned by core-api): every change of a note, republished once from the notes table's
// stream, so new consumers (notifications today; analytics and realtime next) never add a stream reader.
// It carries what those consumers need to act without reading core-api's table, never table internals: the access
// fields every consumer reads, and (since the realtime fan-out) `note`, the note as the API presents it to its owner
// and sharees, which only core-api can build (body, photo with its thumbnail URLs, exactly as GET /sync returns them).
//
// `note` was added to v1 as an optional field, a compatible change: consumers built before it ignore it (zod objects
// drop unknown keys), and an event published before it (a redriven one) parses without it. Size: a note's body is at
// most 20 000 characters (at most 120 000 bytes even if every character were JSON-escaped as \uXXXX), its title 200,
// at most 20 tags and 50 sharees: well under SNS's 256 KB (the publisher's unit tests check the worst case).
import * as z from 'zod/mini';
import { defineEvent } from './event';

const userIds = z.array(z.string().check(z.minLength(1)));
const visibility = z.enum(['private', 'public']);
const access = { visibility, sharedWith: userIds };
const photoStatus = z.enum(['pending', 'ready', 'failed']);
const thumbnail = z.object({ url: z.string(), width: z.number(), height: z.number() });

/** API.md's Note, as GET /notes/{id} and GET /sync show it to the owner and to the users it is shared with. */
const presentedNote = z.object({
  id: z.string().check(z.minLength(1)),
  ownerId: z.string().check(z.minLength(1)),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  visibility,
  sharedWith: userIds,
  photo: z.nullable(z.object({ key: z.string(), status: photoStatus, thumbnails: z.nullable(z.object({ small: thumbnail, medium: thumbnail, large: thumbnail })) })),
  version: z.number().check(z.int(), z.minimum(1)),
  createdAt: z.string(),
  updatedAt: z.string(),
});

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
    photoStatus: z.nullable(photoStatus),
    /** The note's createdAt / updatedAt (ISO-8601). */
    createdAt: z.string(),
    updatedAt: z.string(),
    previous: z.nullable(z.object({ version: z.number().check(z.int(), z.minimum(1)), ...access })),
    /**
     * The note at this version as the API presents it (created and updated; absent for deleted, and in events
     * published before the field existed): what the realtime fan-out sends as a `note.changed` upsert.
     */
    note: z.optional(presentedNote),
  }),
});

export type NoteChange = z.output<typeof noteChanged.data>;
/** API.md's Note as note.changed carries it. */
export type PresentedNote = z.output<typeof presentedNote>;

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
