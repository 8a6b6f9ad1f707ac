// POST /auth/reset
import { defineRoute } from '@photonotes/shared/http-route';
import { describes } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { ResetPasswordInput } from '../domain/recovery';
import { email, password } from './account-fields';

export const resetPasswordBody = describes<ResetPasswordInput>()(
  z.object({ email, code: z.string().check(z.regex(/^[0-9]{4,10}$/, 'must be the code from the email')), newPassword: password }),
);

export const resetPasswordRoute = defineRoute({
  service: 'users',
  method: 'POST',
  path: '/auth/reset',
  operationId: 'resetPassword',
  summary: 'Set a new password with the emailed reset code',
  description: 'After a reset every refresh token of the user stops working.',
  tags: ['auth'],
  auth: false,
  body: resetPasswordBody,
  bodyExample: { email: 'ada@example.com', code: '123456', newPassword: 'n3w-passw0rd' },
  responses: { 204: { description: 'The password is changed' } },
  errors: {
    400: 'Invalid input, an invalid or expired code, or a password the policy refuses',
    429: 'Too many attempts (Retry-After says when to try again)',
    503: 'The reset could not be completed; try again',
  },
});
