// GET /users?email=<address>: the user with this address, to share with (never a directory: 30 look-ups an hour
// unless the stage's param emailLookupsPerHour says otherwise).
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { defaultEmailLookupsPerHour } from '../domain/user-lookup';
import type { UserMatch } from '../domain/user-lookup';
import { email } from './account-fields';

export const findUserByEmailQuery = z.object({ email });

const UserMatchSchema = named(
  'UserMatch',
  describes<UserMatch>()(z.object({ userId: z.string(), displayName: z.string() })),
  'The user an address belongs to: the id to put in a note’s sharedWith, and the name to show.',
);

export const findUserByEmailRoute = defineRoute({
  service: 'users',
  method: 'GET',
  path: '/users',
  operationId: 'findUserByEmail',
  summary: 'Find a user by email address',
  description:
    `An exact match of the address, in any letter case, with a confirmed account. Every look-up, found or not, counts ` +
    `against the caller's ${defaultEmailLookupsPerHour} an hour (an hour from the first of them; a deployment may set another allowance); beyond that: 429 with Retry-After.`,
  tags: ['users'],
  query: findUserByEmailQuery,
  responses: { 200: { description: 'The user with this address', schema: UserMatchSchema } },
  errors: { 404: 'No confirmed account has this address', 429: `More look-ups than the caller's hourly allowance (${defaultEmailLookupsPerHour} by default)` },
});
