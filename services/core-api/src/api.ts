// The core-api service's routes for the OpenAPI document (scripts/openapi/generate.ts), with the schemas its
// handlers validate with. Response schemas are checked against the domain types they describe.
import { annotate, defineRoute, describes, healthRoute, named, pageOf, ThumbnailsSchema, timestamp } from '@photonotes/shared/openapi';
import type { HeaderParameter, RouteSpec } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { Note } from './domain/note';
import { createNoteBody, limits, listNotesQuery, noteIdPath, syncQuery, updateNoteBody } from './domain/note-input';
import type { ChangePage, NotePage } from './domain/ports';

// The length rules count characters as people do (code points), exactly as JSON Schema's minLength/maxLength.
annotate(createNoteBody.shape.title, { minLength: 1, maxLength: limits.title });
annotate(createNoteBody.shape.body.def.innerType, { minLength: 0, maxLength: limits.body });
annotate(createNoteBody.shape.id, { description: 'A UUID chosen by the client, for offline-first creation: repeating the request is idempotent' });
annotate(createNoteBody.shape.photoKey, { description: 'A `key` from POST /media/uploads, or null for no photo' });
annotate(createNoteBody.shape.sharedWith, { description: 'User ids who may read the note' });

const NoteSchema = named(
  'Note',
  describes<Note>()(
    z.object({
      id: z.string(),
      ownerId: z.string(),
      title: z.string(),
      body: z.string(),
      tags: z.array(z.string()),
      visibility: z.enum(['private', 'public']),
      sharedWith: z.array(z.string()),
      photo: z.nullable(
        named('Photo', z.object({ key: z.string(), status: z.enum(['pending', 'ready', 'failed']), thumbnails: z.nullable(ThumbnailsSchema) })),
      ),
      version: annotate(z.int(), { minimum: 1, description: 'Starts at 1 and grows by one on every change; send it back as If-Match' }),
      createdAt: timestamp,
      updatedAt: timestamp,
    }),
  ),
);

const NotePageSchema = named('NotePage', describes<NotePage>()(pageOf(NoteSchema)));

const ChangePageSchema = named(
  'ChangePage',
  describes<ChangePage>()(
    z.object({
      changes: z.array(
        z.discriminatedUnion('op', [
          z.object({ op: z.literal('upsert'), note: NoteSchema }),
          z.object({ op: z.literal('delete'), id: z.string(), deletedAt: timestamp }),
        ]),
      ),
      cursor: annotate(z.string(), { description: 'Pass it as ?cursor= for the changes after this page' }),
      hasMore: z.boolean(),
    }),
  ),
);

const etag = { ETag: { description: 'The note version as an entity tag ("3"); usable as If-Match', schema: { type: 'string' } } };

const ifMatch: HeaderParameter = {
  name: 'If-Match',
  description: 'The version the change was computed from (`3` or `"3"`); a stale one is a 412 whose `details[0].current` is the current note. `*` or absent: no check.',
  schema: { type: 'string' },
  example: '3',
};

const noteExample = { title: 'Harbour at dawn', body: 'Fog over the cranes.', tags: ['harbour', 'morning'], visibility: 'private' };

export const routes: RouteSpec[] = [
  healthRoute('core-api'),
  defineRoute({
    method: 'POST',
    path: '/notes',
    operationId: 'createNote',
    summary: 'Create a note',
    description: 'With a client-chosen `id`, repeating the same request answers 200 with the stored note.',
    tags: ['notes'],
    body: createNoteBody,
    bodyExample: noteExample,
    responses: {
      201: { description: 'The new note', schema: NoteSchema, headers: { ...etag, Location: { description: 'The note URL', schema: { type: 'string' } } } },
      200: { description: 'A replay of an earlier create with the same id and payload: the stored note', schema: NoteSchema, headers: etag },
    },
    errors: { 400: 'Invalid fields, or a photoKey not issued to the caller by POST /media/uploads', 409: 'The id is taken (a different payload, another user, or a deleted note)' },
  }),
  defineRoute({
    method: 'GET',
    path: '/notes',
    operationId: 'listNotes',
    summary: 'Your notes, or the notes shared with you',
    description: 'Newest first, paginated.',
    tags: ['notes'],
    query: listNotesQuery,
    responses: { 200: { description: 'A page of notes', schema: NotePageSchema } },
    errors: { 400: 'Invalid scope or limit, or a cursor the server did not issue' },
  }),
  defineRoute({
    method: 'GET',
    path: '/notes/{id}',
    operationId: 'getNote',
    summary: 'A note',
    description: 'Visible to its owner, to the users it is shared with, and to everyone when public.',
    tags: ['notes'],
    params: noteIdPath,
    responses: { 200: { description: 'The note', schema: NoteSchema, headers: etag } },
    errors: { 404: 'No such note, or not visible to the caller' },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/notes/{id}',
    operationId: 'updateNote',
    summary: 'Change a note (owner only)',
    tags: ['notes'],
    params: noteIdPath,
    headers: [ifMatch],
    body: updateNoteBody,
    bodyExample: { title: 'Harbour at dawn, again' },
    responses: { 200: { description: 'The updated note', schema: NoteSchema, headers: etag } },
    errors: {
      400: 'Invalid fields, no field at all, or a malformed If-Match',
      403: 'The caller may read the note but not change it',
      404: 'No such note, or not visible to the caller',
      409: 'The note is being changed by other requests; try again',
      412: 'If-Match names an older version: `details[0].current` is the current note',
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/notes/{id}',
    operationId: 'deleteNote',
    summary: 'Delete a note (owner only)',
    tags: ['notes'],
    params: noteIdPath,
    headers: [ifMatch],
    responses: { 204: { description: 'Deleted' } },
    errors: {
      400: 'A malformed If-Match',
      403: 'The caller may read the note but not delete it',
      404: 'No such note, or not visible to the caller',
      409: 'The note is being changed by other requests; try again',
      412: 'If-Match names an older version: `details[0].current` is the current note',
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/sync',
    operationId: 'sync',
    summary: 'Changes to your notes since a cursor',
    description: 'Every change after `cursor` (all of them without one), in order, at most 500 per page. Replaying from any returned cursor never skips a change.',
    tags: ['notes'],
    query: syncQuery,
    responses: { 200: { description: 'A page of changes', schema: ChangePageSchema } },
    errors: { 400: 'A cursor the server did not issue' },
  }),
];
