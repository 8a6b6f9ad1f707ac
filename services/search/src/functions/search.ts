// GET /search?q=&limit=&cursor= → the notes the caller may see that match q, best first.
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { searchIndexFromEnv } from '../adapters/dependencies';
import { searchQuery } from '../domain/search-input';
import { searchNotes } from '../domain/search-notes';

const deps = dependencies({ index: searchIndexFromEnv });

export const handler = http({ service: 'search', query: searchQuery }).handler(async ({ query, auth }) => ok(await searchNotes(query, auth.userId, deps)));
