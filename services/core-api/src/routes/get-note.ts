// GET /notes/{id} → the note, for its owner, its sharees, and anyone when it is public.
import { defineRoute } from '@photonotes/shared/http-route';
import { etag, NoteSchema, noteIdPath } from './note-resource';

export const getNoteRoute = defineRoute({
  service: 'core-api',
  method: 'GET',
  path: '/notes/{id}',
  operationId: 'getNote',
  summary: 'A note',
  description: 'Visible to its owner, to the users it is shared with, and to everyone when public.',
  tags: ['notes'],
  params: noteIdPath,
  responses: { 200: { description: 'The note', schema: NoteSchema, headers: etag } },
  errors: { 404: 'No such note, or not visible to the caller' },
});
