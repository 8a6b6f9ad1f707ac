// POST /things/{thingId}/credentials → 201 { credentials }; the old ones stop working.
import { defineRoute } from '@photonotes/shared/http-route';
import { named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { CredentialsSchema, ownedThingErrors, thingIdPath } from './thing-resource';

export const rotateCredentialsRoute = defineRoute({
  service: 'iot',
  method: 'POST',
  path: '/things/{thingId}/credentials',
  operationId: 'rotateThingCredentials',
  summary: 'Issue new device credentials',
  description: 'The old credentials stop working at once and a connected device is disconnected.',
  tags: ['things'],
  params: thingIdPath,
  responses: { 201: { description: 'The new credentials', schema: named('ThingCredentialsIssued', z.object({ credentials: CredentialsSchema })) } },
  errors: { ...ownedThingErrors, 409: 'The credentials are being rotated by other requests; try again' },
});
