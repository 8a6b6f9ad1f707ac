// POST /auth/signup
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { SignUpInput } from '../domain/account-fields';
import type { SignUpResult } from '../domain/sign-up';
import { displayName, email, password } from './account-fields';

export const signUpBody = describes<SignUpInput>()(z.object({ email, password, displayName }));

const SignUpResultSchema = named('SignUpResult', describes<SignUpResult>()(z.object({ userId: z.string(), email: z.string(), confirmed: z.boolean() })));

export const signUpRoute = defineRoute({
  service: 'users',
  method: 'POST',
  path: '/auth/signup',
  operationId: 'signUp',
  summary: 'Create an account',
  description: 'In the `local` stage the account is confirmed at once (`confirmed: true`); elsewhere a code is emailed (POST /auth/confirm).',
  tags: ['auth'],
  auth: false,
  body: signUpBody,
  bodyExample: { email: 'ada@example.com', password: 'correct-horse-1', displayName: 'Ada' },
  responses: { 201: { description: 'The account', schema: SignUpResultSchema } },
  errors: {
    400: 'Invalid email, password or display name',
    409: 'An account with this email exists',
    429: 'Too many sign-ups',
    503: 'The account could not be completed; try again',
  },
});
