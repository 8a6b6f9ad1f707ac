// GET /dev/push-outbox?limit=&cursor= (local stage only) → the pushes recorded for the caller's devices, newest first.
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named, pageOf, timestamp } from '@photonotes/shared/openapi';
import { paginationQuery } from '@photonotes/shared/validation';
import * as z from 'zod/mini';
import type { OutboxEntry } from '../adapters/outbox-push';
import { platforms } from '../domain/device';
import type { Page } from '../domain/ports';
import { notificationData } from './notification-data';

const OutboxEntrySchema = named(
  'OutboxEntry',
  describes<OutboxEntry>()(
    z.object({
      deviceId: z.string(),
      userId: z.string(),
      platform: z.enum(platforms),
      token: z.string(),
      title: z.string(),
      body: z.string(),
      data: notificationData,
      sentAt: timestamp,
    }),
  ),
  'A push the local stage recorded instead of sending it.',
);

const OutboxPageSchema = named('OutboxPage', describes<Page<OutboxEntry>>()(pageOf(OutboxEntrySchema)));

export const devPushOutboxRoute = defineRoute({
  service: 'notifications',
  method: 'GET',
  path: '/dev/push-outbox',
  operationId: 'listPushOutbox',
  summary: 'The pushes recorded for your devices (local stage only)',
  description: 'The `local` stage records every push instead of sending it. This route does not exist in deployed stages.',
  tags: ['notifications'],
  localOnly: true,
  query: paginationQuery,
  responses: { 200: { description: 'A page of recorded pushes, newest first', schema: OutboxPageSchema } },
  errors: { 400: 'An invalid limit, or a cursor the server did not issue' },
});
