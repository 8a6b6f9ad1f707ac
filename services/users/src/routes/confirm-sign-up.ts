// POST /auth/confirm
import { defineRoute } from '@photonotes/shared/http-route';
import { describes } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { ConfirmSignUpInput } from '../domain/account-fields';
import { email } from './account-fields';

export const confirmSignUpBody = describes<ConfirmSignUpInput>()(
  z.object({ email, code: z.string().check(z.regex(/^[0-9]{4,10}$/, 'must be the code from the email')) }),
);

export const confirmSignUpRoute = defineRoute({
  service: 'users',
  method: 'POST',
  path: '/auth/confirm',
  operationId: 'confirmSignUp',
  summary: 'Confirm an account with the emailed code',
  tags: ['auth'],
  auth: false,
  body: confirmSignUpBody,
  bodyExample: { email: 'ada@example.com', code: '123456' },
  responses: { 204: { description: 'Confirmed' } },
  errors: { 400: 'Invalid input, or an invalid or expired code', 429: 'Too many attempts', 503: 'The confirmation could not be completed; try again' },
});
