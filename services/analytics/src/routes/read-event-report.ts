// GET /analytics/events/{type}?from=&to=&by= → { type, days, by } (admins).
import { defineRoute, requireGroup } from '@photonotes/shared/http-route';
import { named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { byValuesSize, maxAttributeItems } from '../domain/event-report';
import { eventReportQuery, eventTypePath } from '../domain/read-range';
import { adminErrors, rangeDescription } from './admin-reads';

const count = () => z.number().check(z.int());

const EventReportSchema = named(
  'AnalyticsEventReport',
  z.object({
    type: z.string(),
    days: z.array(z.object({ date: z.string(), count: count(), metrics: z.record(z.string(), z.object({ sum: z.number(), min: z.number(), max: z.number() })) })),
    by: z.array(z.object({ value: z.string(), count: count() })),
  }),
  `One event type per day: its count and each metric's sum, min and max; with \`by=<attribute>\`, the top ${byValuesSize} values of that attribute over the range (empty without \`by\`).`,
);

export const readEventReportRoute = defineRoute({
  service: 'analytics',
  method: 'GET',
  path: '/analytics/events/{type}',
  operationId: 'readAnalyticsEvent',
  summary: 'One event type day by day, and its top attribute values',
  description: `For the admins group. ${rangeDescription}`,
  tags: ['analytics'],
  auth: requireGroup('admins'),
  params: eventTypePath,
  query: eventReportQuery,
  responses: { 200: { description: 'The type, day by day', schema: EventReportSchema } },
  errors: { ...adminErrors, 400: `${adminErrors[400]}; a bad type or \`by\`; an attribute with more than ${maxAttributeItems} values by day in the range` },
});
