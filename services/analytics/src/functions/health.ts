// GET /health/analytics: are the buffer, aggregates and actor keys tables reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { actorKeysTableName, aggregatesTableName, bufferTableName } from '../adapters/dependencies';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  bufferTable: tableIsReachable(bufferTableName),
  aggregatesTable: tableIsReachable(aggregatesTableName),
  actorKeysTable: tableIsReachable(actorKeysTableName),
});
