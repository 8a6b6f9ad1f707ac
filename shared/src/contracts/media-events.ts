// The `media-events` topic (owned by thumbnails): what became of an upload (media.processed), and which notes
// use it (note.photoChanged, which core-api publishes here: a topic core-api subscribed to instead would make the
// two stacks depend on each other, as core-api already needs this one to exist before it deploys).
import * as z from 'zod/mini';
import { defineEvent } from './event';

const thumbnail = z.object({
  url: z.string().check(z.minLength(1)),
  width: z.number().check(z.int(), z.positive()),
  height: z.number().check(z.int(), z.positive()),
});

/**
 * Processing of an upload ended: `ready` with the thumbnails apps fetch, or `failed` (then `thumbnails` is null).
 * One event per upload version (its id names the key and ETag), so a repeat is recognisable.
 */
export const mediaProcessed = defineEvent({
  type: 'media.processed',
  version: 1,
  topic: 'media-events',
  producer: 'thumbnails',
  data: z.object({
    key: z.string().check(z.minLength(1), z.maxLength(1024)),
    /** The uploader. */
    ownerId: z.string().check(z.minLength(1)),
    status: z.enum(['ready', 'failed']),
    thumbnails: z.nullable(z.object({ small: thumbnail, medium: thumbnail, large: thumbnail })),
  }),
});

const noteIds = { noteId: z.string().check(z.minLength(1)), ownerId: z.string().check(z.minLength(1)) };

/**
 * A note started or stopped using an upload as its photo: published by core-api (from the notes stream) for every
 * note version whose photo key changed, for a note created with a photo and for a deleted note that had one.
 * `photoKey` is the key the note uses after the change, null once it uses none; a deletion carries the key the
 * note used. `version` (the note's) orders a note's events: a consumer applies one only if it is newer than the
 * last it applied for that note (`supersedes` in note-events.ts), so repeats and reordering change nothing.
 */
export const notePhotoChanged = defineEvent({
  type: 'note.photoChanged',
  version: 1,
  topic: 'media-events',
  producer: 'core-api',
  data: z.object({
    ...noteIds,
    version: z.number().check(z.int(), z.minimum(1)),
    change: z.enum(['created', 'updated', 'deleted']),
    photoKey: z.nullable(z.string().check(z.minLength(1), z.maxLength(1024))),
  }),
});

export type NotePhotoChange = z.output<typeof notePhotoChanged.data>;

/** One id per note version: a stream record delivered twice republishes a repeat consumers recognise. */
export function notePhotoChangedEventId(change: Pick<NotePhotoChange, 'noteId' | 'version' | 'change'>): string {
  return `note.photoChanged:${change.noteId}:${change.version}${change.change === 'deleted' ? ':deleted' : ''}`;
}
