// GET /things/{thingId}/telemetry?metric=&from=&to=&resolution=&limit=&cursor= → readings or buckets, oldest first.
import { defineRoute } from '@photonotes/shared/http-route';
import { named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { telemetryQuery } from '../domain/telemetry-query';
import { ownedThingErrors, thingIdPath } from './thing-resource';

const TelemetryPageSchema = named(
  'TelemetryPage',
  z.object({
    metric: z.string(),
    resolution: z.enum(['raw', '1m', '1h', '1d']),
    items: z.array(
      z.union([
        z.object({ at: z.string(), value: z.number() }),
        z.object({ at: z.string(), min: z.number(), max: z.number(), avg: z.number(), count: z.int() }),
      ]),
    ),
    nextCursor: z.nullable(z.string()),
  }),
);

export const readTelemetryRoute = defineRoute({
  service: 'iot',
  method: 'GET',
  path: '/things/{thingId}/telemetry',
  operationId: 'readThingTelemetry',
  summary: 'Read a thing’s telemetry',
  description: 'Raw readings `{ at, value }` or UTC-aligned buckets `{ at, min, max, avg, count }`; the last 24 h by default. An unknown metric: no items.',
  tags: ['things'],
  params: thingIdPath,
  query: telemetryQuery,
  responses: { 200: { description: 'A page of readings or buckets', schema: TelemetryPageSchema } },
  errors: { 400: 'An invalid metric, range, resolution, limit or cursor', ...ownedThingErrors },
});
