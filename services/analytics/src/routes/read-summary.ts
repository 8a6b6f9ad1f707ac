// GET /analytics/summary?from=&to= → { days, totals, topEvents } (admins).
import { defineRoute, requireGroup } from '@photonotes/shared/http-route';
import { named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { rangeQuery } from '../domain/read-range';
import { topEventsSize } from '../domain/summary';
import { adminErrors, rangeDescription } from './admin-reads';

const count = () => z.number().check(z.int());

const SummarySchema = named(
  'AnalyticsSummary',
  z.object({
    days: z.array(z.object({ date: z.string(), activeUsers: count(), newUsers: count(), sessions: count(), events: count() })),
    totals: z.object({ activeUsers: count(), sessions: count(), events: count() }),
    topEvents: z.array(z.object({ type: z.string(), count: count() })),
  }),
  `Per day and over the range: active users (an actor with an app event), sessions (distinct sessionId), app events; new users per day; the top ${topEventsSize} event types, app and server events alike. Distinct counts over the range are approximate within 2 %.`,
);

export const readSummaryRoute = defineRoute({
  service: 'analytics',
  method: 'GET',
  path: '/analytics/summary',
  operationId: 'readAnalyticsSummary',
  summary: 'Daily active users, new users, sessions and events',
  description: `For the admins group. ${rangeDescription}`,
  tags: ['analytics'],
  auth: requireGroup('admins'),
  query: rangeQuery,
  responses: { 200: { description: 'The range, day by day, with its totals and top events', schema: SummarySchema } },
  errors: adminErrors,
});
