// POST /auth/login
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { LogInInput } from '../domain/account-fields';
import type { LoginResult } from '../domain/sessions';
import { email } from './account-fields';
import { expiresIn } from './session-tokens';

// The password rules are not applied: a stored password predating them must still work, and the answer to any
// bad pair is the same 401.
export const logInBody = describes<LogInInput>()(z.object({ email, password: z.string().check(z.minLength(1), z.maxLength(256)) }));

const LoginResultSchema = named(
  'LoginResult',
  describes<LoginResult>()(
    z.object({ accessToken: z.string(), idToken: z.string(), refreshToken: z.string(), expiresIn, tokenType: z.literal('Bearer') }),
  ),
  'Send `accessToken` as `Authorization: Bearer <accessToken>`; trade `refreshToken` for new tokens at POST /auth/refresh.',
);

export const logInRoute = defineRoute({
  service: 'users',
  method: 'POST',
  path: '/auth/login',
  operationId: 'logIn',
  summary: 'Log in',
  tags: ['auth'],
  auth: false,
  body: logInBody,
  bodyExample: { email: 'ada@example.com', password: 'correct-horse-1' },
  responses: { 200: { description: 'Fresh tokens', schema: LoginResultSchema } },
  errors: { 401: 'Wrong email or password (the same answer for both)', 403: 'The email address is not confirmed yet', 429: 'Too many attempts' },
});
