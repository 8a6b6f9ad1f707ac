// PATCH /notes/{id} (owner only; If-Match: <version> optional) → the updated note.
import { http, ok } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { etag, parseIfMatch } from '../domain/if-match';
import { noteIdPath, updateNoteBody } from '../domain/note-input';
import { updateNote } from '../domain/update-note';

const deps = notesDeps();

export const handler = http({ service: 'core-api', path: noteIdPath, body: updateNoteBody }).handler(async ({ path, body, headers, auth }) => {
  const note = await updateNote({ id: path.id, patch: body, expectedVersion: parseIfMatch(headers['if-match']) }, auth, deps);
  return ok(note, { etag: etag(note.version) });
});
