// GET /search?q=&limit=&cursor= → the notes the caller may see that match q, best first.
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { emfMetrics } from '@photonotes/shared/metrics-emf';
import { searchIndexFromEnv } from '../adapters/dependencies';
import { searchNotes } from '../domain/search-notes';
import { searchRoute } from '../routes/search';

const deps = dependencies({ index: searchIndexFromEnv, metrics: () => emfMetrics({ service: 'search' }), nowMs: () => () => performance.now() });

export const handler = http(searchRoute).handler(async ({ query, auth }) => ok(await searchNotes(query, auth.userId, deps)));
