// POST /notes → 201 with the new note, or 200 with the stored one when the request replays a create.
import { defineRoute } from '@photonotes/shared/http-route';
import { annotate, describes } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { noteIdPattern } from '../domain/note-input';
import type { CreateNoteInput } from '../domain/note-input';
import { noteFields } from './note-fields';
import { etag, NoteSchema } from './note-resource';

// Unknown fields are refused, so nobody can smuggle in ownerId, version or createdAt.
export const createNoteBody = describes<CreateNoteInput>()(
  z.strictObject({
    id: annotate(z.optional(z.string().check(z.toLowerCase(), z.regex(noteIdPattern, 'must be a UUID'))), {
      description: 'A UUID chosen by the client, for offline-first creation: repeating the request is idempotent',
    }),
    ...noteFields,
  }),
);

export const createNoteRoute = defineRoute({
  service: 'core-api',
  method: 'POST',
  path: '/notes',
  operationId: 'createNote',
  summary: 'Create a note',
  description: 'With a client-chosen `id`, repeating the same request answers 200 with the stored note.',
  tags: ['notes'],
  body: createNoteBody,
  bodyExample: { title: 'Harbour at dawn', body: 'Fog over the cranes.', tags: ['harbour', 'morning'], visibility: 'private' },
  responses: {
    201: { description: 'The new note', schema: NoteSchema, headers: { ...etag, Location: { description: 'The note URL', schema: { type: 'string' } } } },
    200: { description: 'A replay of an earlier create with the same id and payload: the stored note', schema: NoteSchema, headers: etag },
  },
  errors: { 400: 'Invalid fields, a photoKey not issued to the caller by POST /media/uploads, or sharedWith naming ids that are no user (each in `details`)', 409: 'The id is taken (a different payload, another user, or a deleted note)' },
});
