// POST /auth/logout: requires the access token; every refresh token of the caller stops working.
import { defineRoute } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';

/** "body empty or {}": extra fields are tolerated, as on every route but PATCH. */
export const logOutBody = z.object({});

export const logOutRoute = defineRoute({
  service: 'users',
  method: 'POST',
  path: '/auth/logout',
  operationId: 'logOut',
  summary: 'Log out everywhere',
  description: 'Every refresh token of the user stops working. Access tokens stay valid until they expire.',
  tags: ['auth'],
  body: logOutBody,
  bodyRequired: false,
  responses: { 204: { description: 'Logged out' } },
});
