// GET /sync?scope=&cursor= → the changes to the caller's notes, or to notes shared with them, after the cursor.
import { http, ok } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { syncChanges } from '../domain/read-notes';
import { syncRoute } from '../routes/sync';

const deps = notesDeps();

export const handler = http(syncRoute).handler(async ({ query, auth }) => ok(await syncChanges(query, auth, deps)));
