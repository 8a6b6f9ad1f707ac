// GET /notes/{id} → the note, for its owner, its sharees, and anyone when it is public.
import { http, ok } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { etag } from '../domain/if-match';
import { getNoteRoute } from '../routes/get-note';
import { getNote } from '../domain/read-notes';

const deps = notesDeps();

export const handler = http(getNoteRoute).handler(async ({ path, auth }) => {
  const note = await getNote(path.id, auth, deps);
  return ok(note, { etag: etag(note.version) });
});
