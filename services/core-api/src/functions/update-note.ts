// PATCH /notes/{id} (owner only; If-Match: <version> optional) → the updated note.
import { http, ok } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { etag, parseIfMatch } from '../domain/if-match';
import { updateNoteRoute } from '../routes/update-note';
import { updateNote } from '../domain/update-note';

const deps = notesDeps();

export const handler = http(updateNoteRoute).handler(async ({ path, body, headers, auth }) => {
  const note = await updateNote({ id: path.id, patch: body, expectedVersion: parseIfMatch(headers['if-match']) }, auth, deps);
  return ok(note, { etag: etag(note.version) });
});
