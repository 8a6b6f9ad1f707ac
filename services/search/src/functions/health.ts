// GET /health/search: is the index table reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { searchIndexTableName } from '../adapters/dependencies';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  indexTable: tableIsReachable(searchIndexTableName),
});
