// GET /notes?scope=own|shared&limit=&cursor= → the caller's notes or the notes shared with them, newest first.
import { http, ok } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { listNotes } from '../domain/read-notes';
import { listNotesRoute } from '../routes/list-notes';

const deps = notesDeps();

export const handler = http(listNotesRoute).handler(async ({ query, auth }) => ok(await listNotes(query, auth, deps)));
