// POST /notes → 201 with the new note, or 200 with the stored one when the request replays a create.
import { created, http, ok } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { createNote } from '../domain/create-note';
import { etag } from '../domain/if-match';
import { createNoteRoute } from '../routes/create-note';

const deps = notesDeps();

export const handler = http(createNoteRoute).handler(async ({ body, auth }) => {
  const result = await createNote(body, auth, deps);
  const headers = { etag: etag(result.note.version), location: `/notes/${result.note.id}` };
  return result.created ? created(result.note, headers) : ok(result.note, headers);
});
