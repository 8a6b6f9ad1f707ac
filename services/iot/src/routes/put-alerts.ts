// PUT /things/{thingId}/alerts { rules } → { rules } (ids assigned where missing; rule state reset).
import { defineRoute } from '@photonotes/shared/http-route';
import { putAlertsBody } from '../domain/alert-input';
import { AlertRulesSchema, ownedThingErrors, thingIdPath } from './thing-resource';

export const putAlertsRoute = defineRoute({
  service: 'iot',
  method: 'PUT',
  path: '/things/{thingId}/alerts',
  operationId: 'putThingAlerts',
  summary: 'Replace a thing’s alert rules',
  description: 'At most 10 rules. A rule fires one `thing.alert` notification when its condition has held for `forSeconds`, and re-arms once it no longer holds.',
  tags: ['things'],
  params: thingIdPath,
  body: putAlertsBody,
  bodyExample: { rules: [{ metric: 'temp', op: 'gt', threshold: 30, forSeconds: 0 }] },
  responses: { 200: { description: 'The rules as stored', schema: AlertRulesSchema } },
  errors: { 400: 'Invalid rules, more than 10, or duplicate ids', ...ownedThingErrors },
});
