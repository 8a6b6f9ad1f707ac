// PATCH /users/me
import { defineRoute } from '@photonotes/shared/http-route';
import { describes } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { ProfileChanges } from '../domain/account-fields';
import { bio, displayName } from './account-fields';
import { OwnProfileSchema } from './own-profile';

// Strict: a PATCH with a misspelt or read-only field (email) must not answer 200 with nothing changed.
export const updateProfileBody = describes<ProfileChanges>()(z.strictObject({ displayName: z.optional(displayName), bio: z.optional(bio) }));

export const updateOwnProfileRoute = defineRoute({
  service: 'users',
  method: 'PATCH',
  path: '/users/me',
  operationId: 'updateOwnProfile',
  summary: 'Change your display name or bio',
  tags: ['users'],
  body: updateProfileBody,
  bodyExample: { displayName: 'Ada L.', bio: 'Counting engines.' },
  responses: { 200: { description: 'The updated profile', schema: OwnProfileSchema } },
  errors: { 400: 'Invalid or unknown field (email cannot be changed here)', 404: 'The account has no profile', 503: 'Too many concurrent changes; try again' },
});
