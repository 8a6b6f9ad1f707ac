// GET /health: the whole API's health, from every service's own `GET /health/<service>`.
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { ServiceName, SystemHealth } from '../domain/system-health';

const serviceStatus = z.enum(['ok', 'down']);
const SystemHealthSchema = named(
  'SystemHealth',
  describes<SystemHealth>()(
    z.object({
      status: z.enum(['ok', 'degraded']),
      services: z.object({
        users: serviceStatus,
        'core-api': serviceStatus,
        search: serviceStatus,
        notifications: serviceStatus,
        thumbnails: serviceStatus,
        iot: serviceStatus,
        analytics: serviceStatus,
      }),
    }),
  ),
);
// The schema names the services one by one; this keeps it in step with the list the route probes.
const _everyServiceListed: ServiceName extends keyof z.output<typeof SystemHealthSchema>['services'] ? true : never = true;

export const systemHealthRoute = defineRoute({
  service: 'users',
  method: 'GET',
  path: '/health',
  operationId: 'health',
  summary: 'Health of the whole API',
  description: 'Asks every service its own health route.',
  tags: ['health'],
  auth: false,
  responses: {
    200: { description: 'Every service is up', schema: SystemHealthSchema },
    503: { description: 'A service or its storage is down; the failing ones are marked', schema: SystemHealthSchema },
  },
});
