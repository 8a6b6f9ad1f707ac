// GET /health/core-api: is the notes table reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { notesTableName } from '../adapters/dependencies';

export const handler = healthHandler('core-api', {
  notesTable: tableIsReachable(notesTableName),
});
