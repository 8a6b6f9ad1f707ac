// POST /auth/forgot
import { defineRoute } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';
import { email } from './account-fields';

export const forgotPasswordBody = z.object({ email });

export const forgotPasswordRoute = defineRoute({
  service: 'users',
  method: 'POST',
  path: '/auth/forgot',
  operationId: 'forgotPassword',
  summary: 'Send a password-reset code to an account’s email',
  description:
    'Always 202, whether the address has an account or not, with the same timing (no account enumeration). In the `local` stage ' +
    'the code is listed by `GET /dev/mail-outbox?email=`.',
  tags: ['auth'],
  auth: false,
  body: forgotPasswordBody,
  bodyExample: { email: 'ada@example.com' },
  responses: { 202: { description: 'Accepted: a code was sent if the address has an account' } },
  errors: { 400: 'Invalid input' },
});
