// GET /health/core-api: is the notes table reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { notesTableName } from '../adapters/dependencies';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  notesTable: tableIsReachable(notesTableName),
});
