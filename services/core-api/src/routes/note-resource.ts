// What the routes of one note share: the note as they answer it, its id in the path, and its version as an
// entity tag (ETag out, If-Match in).
import { ifMatchHeaderSchema } from '@photonotes/shared/if-match';
import type { HeaderParameter, HeaderSpec } from '@photonotes/shared/http-route';
import { annotate, describes, named, timestamp } from '@photonotes/shared/openapi';
import { ThumbnailsSchema } from '@photonotes/shared/thumbnails-schema';
import * as z from 'zod/mini';
import type { Note } from '../domain/note';

export const NoteSchema = named(
  'Note',
  describes<Note>()(
    z.object({
      id: z.string(),
      ownerId: z.string(),
      title: z.string(),
      body: z.string(),
      tags: z.array(z.string()),
      visibility: z.enum(['private', 'public']),
      sharedWith: annotate(z.array(z.string()), { description: 'Shown to the owner and to the users in it; anyone else reading a public note gets an empty list' }),
      photo: z.nullable(
        named('Photo', z.object({ key: z.string(), status: z.enum(['pending', 'ready', 'failed']), thumbnails: z.nullable(ThumbnailsSchema) })),
      ),
      version: annotate(z.int(), { minimum: 1, description: 'Starts at 1 and grows by one on every change; send it back as If-Match' }),
      createdAt: timestamp,
      updatedAt: timestamp,
    }),
  ),
);

export const noteIdPath = z.object({ id: z.string() });

export const etag: Record<string, HeaderSpec> = { ETag: { description: 'The note version as an entity tag ("3"); usable as If-Match', schema: { type: 'string' } } };

export const ifMatch: HeaderParameter = {
  name: 'If-Match',
  description: 'The version the change was computed from (`3` or `"3"`); a stale one is a 412 whose `details[0].current` is the current note. `*` or absent: no check.',
  schema: ifMatchHeaderSchema(false),
  example: '3',
};
