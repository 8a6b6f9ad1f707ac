// PATCH /things/{thingId} { name?, attributes? } → the thing.
import { defineRoute } from '@photonotes/shared/http-route';
import { updateThingBody } from '../domain/thing-input';
import { documentedBody, ownedThingErrors, ThingSchema, thingBodyJson, thingIdPath } from './thing-resource';

export const updateThingRoute = defineRoute({
  service: 'iot',
  method: 'PATCH',
  path: '/things/{thingId}',
  operationId: 'updateThing',
  summary: 'Rename a thing or replace its attributes',
  tags: ['things'],
  params: thingIdPath,
  body: documentedBody(thingBodyJson([]), updateThingBody),
  bodyExample: { name: 'Kitchen thermostat' },
  responses: { 200: { description: 'The updated thing', schema: ThingSchema } },
  errors: { 400: 'Invalid fields, or neither name nor attributes', ...ownedThingErrors },
});
