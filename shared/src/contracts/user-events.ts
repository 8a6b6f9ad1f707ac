// The `user-events` topic (owned by users): what other services learn about accounts.
import * as z from 'zod/mini';
import { defineEvent } from './event';

/**
 * An account was deleted: every service deletes what it holds of it. The id is a Cognito sub; the pattern is the
 * one upload keys carry (shared/src/media-keys.ts), so an id can never widen a storage prefix (no '/', never empty).
 */
export const userDeleted = defineEvent({
  type: 'user.deleted',
  version: 1,
  topic: 'user-events',
  producer: 'users',
  data: z.object({ userId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)) }),
});

/**
 * A sign-up was confirmed and its profile created. Published by the PostConfirmation trigger, with an id derived
 * from the user, so a replayed confirmation is a recognisable repeat. `signedUpAt` is the profile's createdAt.
 */
export const userSignedUp = defineEvent({
  type: 'user.signed_up',
  version: 1,
  topic: 'user-events',
  producer: 'users',
  data: z.object({ userId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)), signedUpAt: z.iso.datetime() }),
});
