// GET /dev/mail-outbox?email= (local stage only) → the codes the local stage would have emailed to that address.
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named, timestamp } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { MailOutboxEntry } from '../adapters/mail-outbox-file';
import { email } from './account-fields';

const MailOutboxEntrySchema = named(
  'MailOutboxEntry',
  describes<MailOutboxEntry>()(z.object({ email: z.string(), purpose: z.enum(['sign-up', 'password-reset', 'other']), code: z.string(), sentAt: timestamp })),
  'A code the local stage recorded instead of emailing it.',
);

const MailOutboxSchema = named('MailOutbox', describes<{ items: MailOutboxEntry[] }>()(z.object({ items: z.array(MailOutboxEntrySchema) })));

export const devMailOutboxRoute = defineRoute({
  service: 'users',
  method: 'GET',
  path: '/dev/mail-outbox',
  operationId: 'listMailOutbox',
  summary: 'The codes emailed to an address (local stage only)',
  description: 'The `local` stage records every code it would email (sign-up, password reset). This route does not exist in deployed stages.',
  tags: ['auth'],
  auth: false,
  localOnly: true,
  query: z.object({ email }),
  responses: { 200: { description: 'The newest 20 codes sent to the address, newest first', schema: MailOutboxSchema } },
  errors: { 400: 'A missing or invalid email' },
});
