// GET /sync?cursor= → the changes to the caller's notes after the cursor, in order, at most 500 a page.
import { http, ok } from '@photonotes/shared/http';
import { notesDeps } from '../adapters/dependencies';
import { syncQuery } from '../domain/note-input';
import { syncChanges } from '../domain/read-notes';

const deps = notesDeps();

export const handler = http({ service: 'core-api', query: syncQuery }).handler(async ({ query, auth }) => ok(await syncChanges(query.cursor, auth, deps)));
