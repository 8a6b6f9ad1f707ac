// DELETE /notes/{id} (owner only; If-Match: <version> optional) → 204.
import { defineRoute } from '@photonotes/shared/http-route';
import { ifMatch, noteIdPath } from './note-resource';

export const deleteNoteRoute = defineRoute({
  service: 'core-api',
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
});
