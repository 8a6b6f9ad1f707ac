// GET /users/me
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { usersRepositoryFromEnv } from '../adapters/dependencies';
import { getOwnProfile } from '../domain/profile';
import { getOwnProfileRoute } from '../routes/get-own-profile';

const deps = dependencies({ users: usersRepositoryFromEnv });

export const handler = http(getOwnProfileRoute).handler(async ({ auth }) => ok(await getOwnProfile(auth.userId, deps)));
