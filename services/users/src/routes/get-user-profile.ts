// GET /users/{userId}: another user's public profile (never the email).
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named, timestamp } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { PublicProfile } from '../domain/profile';

/** Cognito subs are UUIDs; anything outside this shape is refused before it reaches a key. */
const userId = z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a user id'));

export const userIdPath = z.object({ userId });

const PublicProfileSchema = named(
  'PublicProfile',
  describes<PublicProfile>()(z.object({ userId: z.string(), displayName: z.string(), bio: z.string(), createdAt: timestamp })),
  "Another user's profile: never the email.",
);

export const getUserProfileRoute = defineRoute({
  service: 'users',
  method: 'GET',
  path: '/users/{userId}',
  operationId: 'getUserProfile',
  summary: "Another user's public profile",
  tags: ['users'],
  params: userIdPath,
  responses: { 200: { description: 'The public profile', schema: PublicProfileSchema } },
  errors: { 404: 'No such user' },
});
