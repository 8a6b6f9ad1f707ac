// POST /analytics/events { installId, appVersion?, platform?, events: [...] } → 202 { accepted, rejected }.
import { defineRoute } from '@photonotes/shared/http-route';
import { annotate, named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { eventLimits, ingestEnvelope, platforms, standardTypes } from '../domain/event-input';

/** API.md: a body over 256 KB is a 413. */
export const maxIngestBodyBytes = 256 * 1024;

const uuid = { type: 'string', format: 'uuid' };
const keyPattern = '^[A-Za-z0-9_.-]{1,50}$';

/**
 * What an app sends, as the document shows it. The envelope decides the 400; each event is judged on its own
 * (domain/event-input.ts), so a bad event is a `rejected` entry, never a 400: the events are documented here.
 */
const ingestBodyJson = {
  type: 'object',
  required: ['installId', 'events'],
  properties: {
    installId: uuid,
    appVersion: { type: 'string', minLength: 1, maxLength: eventLimits.appVersion },
    platform: { type: 'string', enum: [...platforms] },
    events: {
      type: 'array',
      minItems: 1,
      maxItems: eventLimits.events,
      items: {
        type: 'object',
        required: ['id', 'type', 'at'],
        properties: {
          id: uuid,
          type: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: `The app's own names, or ${standardTypes.join(', ')}; not server.*` },
          at: { type: 'string', format: 'date-time', description: 'At most 24 h ahead of the server clock and 30 days old' },
          sessionId: uuid,
          attributes: { type: 'object', maxProperties: eventLimits.attributes, propertyNames: { pattern: keyPattern }, additionalProperties: { type: 'string', maxLength: eventLimits.attributeValue } },
          metrics: { type: 'object', maxProperties: eventLimits.metrics, propertyNames: { pattern: keyPattern }, additionalProperties: { type: 'number' } },
        },
      },
    },
  },
};

const IngestAnswerSchema = named(
  'AnalyticsIngestAnswer',
  z.object({
    accepted: z.number().check(z.int()),
    rejected: z.array(z.object({ index: z.number().check(z.int()), reason: z.string() })),
  }),
  'How many events were kept (repeats of events seen in the last 7 days included, counted once), and each rejected event with its index and reason.',
);

export const ingestEventsRoute = defineRoute({
  service: 'analytics',
  method: 'POST',
  path: '/analytics/events',
  operationId: 'ingestAnalyticsEvents',
  summary: 'Record a batch of app events',
  description:
    `Auth optional: without an Authorization header the events belong to the install; with one, the token must be valid and the events are the user's. ` +
    `1..${eventLimits.events} events; each is judged on its own (type, at within 30 days back and 24 h ahead of the server clock, ` +
    `at most ${eventLimits.attributes} attributes and ${eventLimits.metrics} finite metrics, no e-mail addresses) and a bad one is rejected with its index. ` +
    `More than 10 batches a second from one install: 429 with Retry-After.`,
  tags: ['analytics'],
  auth: 'optional',
  body: z.pipe(annotate(z.unknown(), ingestBodyJson), ingestEnvelope),
  maxBodyBytes: maxIngestBodyBytes,
  bodyExample: {
    installId: '6f1c1c8e-3c55-4bb6-9a43-2a7d0c1e5a10',
    appVersion: '2.4.0',
    platform: 'ios',
    events: [{ id: '0f5b8f5e-8d2a-4c3b-9d0e-1a2b3c4d5e6f', type: '_session.start', at: '2026-11-30T09:00:00.000Z', sessionId: '9a7d6c5b-4e3f-4a2b-8c1d-0e9f8a7b6c5d' }],
  },
  responses: { 202: { description: 'The batch was taken; rejected events are listed', schema: IngestAnswerSchema } },
  errors: { 400: 'The envelope is not a batch (installId, platform, appVersion, events)', 401: 'An Authorization header with an invalid token', 413: 'The body exceeds 256 KB', 429: 'More than 10 batches a second from this install' },
});
