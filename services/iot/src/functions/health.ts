// GET /health/iot: are the things and telemetry tables reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { telemetryTableName, thingsTableName } from '../adapters/dependencies';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  thingsTable: tableIsReachable(thingsTableName),
  telemetryTable: tableIsReachable(telemetryTableName),
});
