// GET /health/search: is the index table reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { requireEnv } from '@photonotes/shared/env';

export const handler = healthHandler('search', {
  indexTable: tableIsReachable(requireEnv('SEARCH_INDEX_TABLE')),
});
