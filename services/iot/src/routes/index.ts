// Every route of the iot service, in the order the OpenAPI document lists them (scripts/openapi). Handlers
// import their own route module, never this list.
import type { RouteSpec } from '@photonotes/shared/http-route';
import { createThingRoute } from './create-thing';
import { deleteThingRoute } from './delete-thing';
import { getAlertsRoute } from './get-alerts';
import { getThingRoute } from './get-thing';
import { healthRoute } from './health';
import { listThingsRoute } from './list-things';
import { putAlertsRoute } from './put-alerts';
import { putDesiredRoute } from './put-desired';
import { readTelemetryRoute } from './read-telemetry';
import { rotateCredentialsRoute } from './rotate-credentials';
import { updateThingRoute } from './update-thing';

export const routes: RouteSpec[] = [
  healthRoute,
  createThingRoute,
  listThingsRoute,
  getThingRoute,
  updateThingRoute,
  deleteThingRoute,
  rotateCredentialsRoute,
  readTelemetryRoute,
  putDesiredRoute,
  putAlertsRoute,
  getAlertsRoute,
];
