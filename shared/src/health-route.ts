// `GET /health/<service>`: the per-service probe that `GET /health` aggregates, declared by every service's
// src/routes/health.ts and served by `healthHandler` (health.ts).
import * as z from 'zod/mini';
import type { ServiceHealth } from './health';
import { defineRoute } from './http-route';
import type { RouteSpec } from './http-route';
import { describes, named } from './openapi';

const checkStatus = z.enum(['ok', 'down']);
const ServiceHealthSchema = named(
  'ServiceHealth',
  describes<ServiceHealth>()(z.object({ status: checkStatus, checks: z.record(z.string(), checkStatus) })),
  "One service's own checks (its tables, topics, bucket, identity provider).",
);

export type HealthRoute = RouteSpec<undefined, undefined, undefined, false>;

export function serviceHealthRoute(service: string): HealthRoute {
  return defineRoute({
    service,
    method: 'GET',
    path: `/health/${service}`,
    operationId: `health${service.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase())}`,
    summary: `Health of the ${service} service`,
    description: `The probe behind \`GET /health\`: checks what the ${service} service owns. Meant for operators and the aggregate health route, not for apps.`,
    tags: ['health'],
    auth: false,
    responses: {
      200: { description: 'Every check passed', schema: ServiceHealthSchema },
      503: { description: 'A check failed; the failing ones are marked `down`', schema: ServiceHealthSchema },
    },
  });
}
