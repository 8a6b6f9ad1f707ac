// GET /health/notifications: are the devices and inbox tables reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { requireEnv } from '@photonotes/shared/env';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  devicesTable: tableIsReachable(requireEnv('DEVICES_TABLE')),
  inboxTable: tableIsReachable(requireEnv('INBOX_TABLE')),
});
