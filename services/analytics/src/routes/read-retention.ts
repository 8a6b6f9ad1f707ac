// GET /analytics/retention?from=&to=&period=day|week → { cohorts } (admins).
import { defineRoute, requireGroup } from '@photonotes/shared/http-route';
import { named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { retentionQuery } from '../domain/read-range';
import { adminErrors, rangeDescription } from './admin-reads';

const RetentionSchema = named(
  'AnalyticsRetention',
  z.object({
    cohorts: z.array(z.object({ start: z.string(), size: z.number().check(z.int()), retained: z.array(z.number().check(z.int())) })),
  }),
  'Per cohort (the actors first seen in a day, or in a week starting on Monday UTC): its size and how many of them were active in that period and each later one up to `to` (`retained[0]` = `size`).',
);

export const readRetentionRoute = defineRoute({
  service: 'analytics',
  method: 'GET',
  path: '/analytics/retention',
  operationId: 'readAnalyticsRetention',
  summary: 'Retention cohorts by day or week',
  description: `For the admins group. ${rangeDescription} \`period\` is \`day\` (default) or \`week\`: the weeks with a day in the range, so the first may start before \`from\`.`,
  tags: ['analytics'],
  auth: requireGroup('admins'),
  query: retentionQuery,
  responses: { 200: { description: 'The cohorts of the range, oldest first', schema: RetentionSchema } },
  errors: adminErrors,
});
