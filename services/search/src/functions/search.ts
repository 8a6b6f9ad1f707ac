// GET /search?q=&limit=&cursor= → the notes the caller may see that match q, best first.
import { http, ok } from '@photonotes/shared/http';
import { requireEnv } from '@photonotes/shared/env';
import { searchIndexFromEnv } from '../adapters/search-deps';
import { searchRoute } from '../routes/search';
import { searchNotes } from '../domain/search-notes';

const deps = { index: searchIndexFromEnv() };
requireEnv('CURSOR_SECRET');

export const handler = http(searchRoute).handler(async ({ query, auth }) => ok(await searchNotes(query, auth.userId, deps)));
