// POST /things { name, attributes? } → 201 { thing, credentials } (the password shown this once).
import { defineRoute } from '@photonotes/shared/http-route';
import { named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { createThingBody } from '../domain/thing-input';
import { CredentialsSchema, documentedBody, ThingSchema, thingBodyJson } from './thing-resource';

export const createThingRoute = defineRoute({
  service: 'iot',
  method: 'POST',
  path: '/things',
  operationId: 'createThing',
  summary: 'Register a thing',
  description: 'Returns the device credentials once. A user may own 50 things.',
  tags: ['things'],
  body: documentedBody(thingBodyJson(['name']), createThingBody),
  bodyExample: { name: 'Living room thermostat', attributes: { model: 'T-1000' } },
  responses: { 201: { description: 'The new thing and its credentials', schema: named('ThingRegistration', z.object({ thing: ThingSchema, credentials: CredentialsSchema })) } },
  errors: { 400: 'An invalid name or attributes', 409: 'The caller owns 50 things already' },
});
