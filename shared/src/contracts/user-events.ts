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
