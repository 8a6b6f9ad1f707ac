// GET /things/{thingId}/alerts → { rules }.
import { defineRoute } from '@photonotes/shared/http-route';
import { AlertRulesSchema, ownedThingErrors, thingIdPath } from './thing-resource';

export const getAlertsRoute = defineRoute({
  service: 'iot',
  method: 'GET',
  path: '/things/{thingId}/alerts',
  operationId: 'getThingAlerts',
  summary: 'Read a thing’s alert rules',
  tags: ['things'],
  params: thingIdPath,
  responses: { 200: { description: 'The rules', schema: AlertRulesSchema } },
  errors: ownedThingErrors,
});
