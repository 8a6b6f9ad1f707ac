// GET /health/search: is the index table reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { searchIndexTableName } from '../adapters/dependencies';

export const handler = healthHandler('search', {
  indexTable: tableIsReachable(searchIndexTableName),
});
