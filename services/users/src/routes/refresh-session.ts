// POST /auth/refresh
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { RefreshResult } from '../domain/sessions';
import { expiresIn } from './session-tokens';

export const refreshBody = z.object({ refreshToken: z.string().check(z.minLength(1), z.maxLength(8192)) });

const RefreshResultSchema = named(
  'RefreshResult',
  describes<RefreshResult>()(z.object({ accessToken: z.string(), idToken: z.string(), expiresIn, tokenType: z.literal('Bearer') })),
);

export const refreshSessionRoute = defineRoute({
  service: 'users',
  method: 'POST',
  path: '/auth/refresh',
  operationId: 'refreshSession',
  summary: 'Trade a refresh token for a new access token',
  tags: ['auth'],
  auth: false,
  body: refreshBody,
  responses: { 200: { description: 'A new access token and id token', schema: RefreshResultSchema } },
  errors: { 401: 'The refresh token is unknown, expired, or revoked by a logout', 429: 'Too many refreshes' },
});
