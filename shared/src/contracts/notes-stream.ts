// The notes table's stream (core-api owns the table; NEW_AND_OLD_IMAGES). Readers: search (its index) and
// core-api's own note-events publisher (src/functions/publish-note-events.ts); everyone else reads note-events.
// The table holds several kinds of items, each with `entity`; only `entity: 'note'` items are in this contract:
//   INSERT = a note was created, MODIFY = it changed (`version` grew), REMOVE = it was deleted (also when its
//   owner's account was deleted). Share copies, change-feed entries, tombstones and media records are core-api's
//   internals. The writer (core-api's notes repository) builds the note item with `satisfies NoteItemImage`, so a
//   field renamed here breaks its build as it breaks every reader's.
import * as z from 'zod/mini';
import { defineStream } from './stream';
import type { StreamChange } from './stream';

const thumbnail = z.object({ url: z.string(), width: z.number(), height: z.number() });

// Unmarshalled images: a list comes back as an array, a string set as a Set.
const userIds = z.pipe(
  z.union([z.array(z.string()), z.set(z.string())]),
  z.transform((ids: string[] | Set<string>) => [...ids]),
);

const noteImage = z.object({
  entity: z.literal('note'),
  id: z.string().check(z.minLength(1)),
  ownerId: z.string().check(z.minLength(1)),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  visibility: z.enum(['private', 'public']),
  sharedWith: userIds,
  photo: z.nullable(
    z.object({
      key: z.string().check(z.minLength(1)),
      status: z.enum(['pending', 'ready', 'failed']),
      thumbnails: z.nullable(z.object({ small: thumbnail, medium: thumbnail, large: thumbnail })),
    }),
  ),
  version: z.number().check(z.int(), z.minimum(1)),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The request (or event) that wrote this version: note.changed carries it on. */
  correlationId: z.optional(z.string()),
});

export const notesStream = defineStream({
  name: 'core-api notes table',
  version: 1,
  owner: 'core-api',
  covers: (image) => image.entity === 'note',
  image: noteImage,
});

/** A note item as the writer must store it. */
export type NoteItemImage = z.input<typeof noteImage>;
/** A note item as readers get it. */
export type NoteImage = z.output<typeof noteImage>;
export type NoteStreamChange = StreamChange<NoteImage>;
