// GET /sync?cursor= → the changes to the caller's notes after the cursor, in order, at most 500 a page.
import { http, ok } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { syncChanges } from '../domain/read-notes';
import { syncRoute } from '../routes/sync';

const deps = notesDeps();

export const handler = http(syncRoute).handler(async ({ query, auth }) => ok(await syncChanges(query.cursor, auth, deps)));
