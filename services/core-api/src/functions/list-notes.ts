// GET /notes?scope=own|shared&limit=&cursor= → the caller's notes or the notes shared with them, newest first.
import { http, ok } from '@photonotes/shared/http';
import { requireEnv } from '@photonotes/shared/env';
import { notesDeps } from '../adapters/notes-deps';
import { listNotesRoute } from '../routes/list-notes';
import { listNotes } from '../domain/read-notes';

const deps = notesDeps();
requireEnv('CURSOR_SECRET');

export const handler = http(listNotesRoute).handler(async ({ query, auth }) => ok(await listNotes(query, auth, deps)));
