// GET /things/{thingId} → the thing with its state and latest readings.
import { defineRoute } from '@photonotes/shared/http-route';
import { named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { ownedThingErrors, StateSchema, ThingSchema, thingIdPath } from './thing-resource';

export const ThingDetailsSchema = named(
  'ThingDetails',
  z.extend(ThingSchema, { state: StateSchema, latest: z.record(z.string(), z.object({ value: z.number(), at: z.string() })) }),
);

export const getThingRoute = defineRoute({
  service: 'iot',
  method: 'GET',
  path: '/things/{thingId}',
  operationId: 'getThing',
  summary: 'Read a thing',
  description: 'With `state` (reported, desired, delta, version) and the latest value of each metric.',
  tags: ['things'],
  params: thingIdPath,
  responses: { 200: { description: 'The thing', schema: ThingDetailsSchema } },
  errors: ownedThingErrors,
});
