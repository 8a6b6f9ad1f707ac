// GET /sync?cursor= → the changes to the caller's notes after the cursor, in order, at most 500 a page.
import { http, ok } from '@photonotes/shared/http';
import { requireEnv } from '@photonotes/shared/env';
import { notesDeps } from '../adapters/notes-deps';
import { syncRoute } from '../routes/sync';
import { syncChanges } from '../domain/read-notes';

const deps = notesDeps();
requireEnv('CURSOR_SECRET');

export const handler = http(syncRoute).handler(async ({ query, auth }) => ok(await syncChanges(query.cursor, auth, deps)));
