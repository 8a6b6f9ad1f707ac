// Every route of the notifications service, in the order the OpenAPI document lists them (scripts/openapi).
// Handlers import their own route module, never this list.
import type { RouteSpec } from '@photonotes/shared/http-route';
import { devPushOutboxRoute } from './dev-push-outbox';
import { healthRoute } from './health';
import { listDevicesRoute } from './list-devices';
import { listNotificationsRoute } from './list-notifications';
import { markNotificationsReadRoute } from './mark-notifications-read';
import { registerDeviceRoute } from './register-device';
import { unregisterDeviceRoute } from './unregister-device';

export const routes: RouteSpec[] = [
  healthRoute,
  registerDeviceRoute,
  listDevicesRoute,
  unregisterDeviceRoute,
  listNotificationsRoute,
  markNotificationsReadRoute,
  devPushOutboxRoute,
];
