// POST /auth/logout: requires the access token; every refresh token of the caller stops working, and a refresh
// token given in the body is revoked at the identity provider too.
import { defineRoute } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';

/** "body empty, {} or { refreshToken }": extra fields are tolerated, as on every route but PATCH. */
export const logOutBody = z.object({ refreshToken: z.optional(z.string().check(z.minLength(1), z.maxLength(8192))) });

export const logOutRoute = defineRoute({
  service: 'users',
  method: 'POST',
  path: '/auth/logout',
  operationId: 'logOut',
  summary: 'Log out everywhere',
  description:
    'Every refresh token of the user stops working. A `refreshToken` in the body is first revoked at the identity provider, so it ' +
    'cannot be used there directly either; if that fails the answer is 503 and nothing changed (retry with the same access token). ' +
    'Access tokens stay valid until they expire.',
  tags: ['auth'],
  body: logOutBody,
  bodyRequired: false,
  responses: { 204: { description: 'Logged out' } },
  errors: { 400: 'refreshToken is not a refresh token', 503: 'The identity provider could not revoke the refresh token; nothing changed, retry' },
});
