// PATCH /notes/{id} (owner only; If-Match: <version> optional) → the updated note.
import { defineRoute } from '@photonotes/shared/http-route';
import { describes } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { UpdateNoteInput } from '../domain/note-input';
import { noteFields } from './note-fields';
import { etag, ifMatch, NoteSchema, noteIdPath } from './note-resource';

export const updateNoteBody = describes<UpdateNoteInput>()(
  z
    .strictObject({ ...noteFields, title: z.optional(noteFields.title) })
    .check(z.refine((body) => Object.keys(body).length > 0, 'at least one field must be given')),
);

export const updateNoteRoute = defineRoute({
  service: 'core-api',
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
    400: 'Invalid fields, no field at all, a malformed If-Match, or sharedWith adding ids that are no user (each in `details`)',
    403: 'The caller may read the note but not change it',
    404: 'No such note, or not visible to the caller',
    409: 'The note is being changed by other requests; try again',
    412: 'If-Match names an older version: `details[0].current` is the current note',
  },
});
