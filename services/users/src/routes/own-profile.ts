// The caller's own profile, as GET and PATCH /users/me answer it.
import { describes, named, timestamp } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { OwnProfile } from '../domain/profile';

export const OwnProfileSchema = named(
  'OwnProfile',
  describes<OwnProfile>()(
    z.object({ userId: z.string(), email: z.string(), displayName: z.string(), bio: z.string(), createdAt: timestamp, updatedAt: timestamp }),
  ),
);
