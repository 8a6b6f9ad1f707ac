// GET /users/{userId}: another user's public profile (never the email).
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { usersRepositoryFromEnv } from '../adapters/dependencies';
import { getPublicProfile } from '../domain/profile';
import { getUserProfileRoute } from '../routes/get-user-profile';

const deps = dependencies({ users: usersRepositoryFromEnv });

export const handler = http(getUserProfileRoute).handler(async ({ path }) => ok(await getPublicProfile(path.userId, deps)));
