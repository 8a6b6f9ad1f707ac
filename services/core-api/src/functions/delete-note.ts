// DELETE /notes/{id} (owner only; If-Match: <version> optional) → 204.
import { http, noContent } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { deleteNote } from '../domain/delete-note';
import { parseIfMatch } from '../domain/if-match';
import { deleteNoteRoute } from '../routes/delete-note';

const deps = notesDeps();

export const handler = http(deleteNoteRoute).handler(async ({ path, headers, auth }) => {
  await deleteNote({ id: path.id, expectedVersion: parseIfMatch(headers['if-match']) }, auth, deps);
  return noContent();
});
