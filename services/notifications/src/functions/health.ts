// GET /health/notifications: are the devices and inbox tables reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { devicesTableName, inboxTableName } from '../adapters/dependencies';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  devicesTable: tableIsReachable(devicesTableName),
  inboxTable: tableIsReachable(inboxTableName),
});
