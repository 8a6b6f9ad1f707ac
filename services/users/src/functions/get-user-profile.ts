// GET /users/{userId}: another user's public profile (never the email).
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { usersRepositoryFromEnv } from '../adapters/dependencies';
import { userIdPath } from '../domain/account-fields';
import { getPublicProfile } from '../domain/profile';

const deps = dependencies({ users: usersRepositoryFromEnv });

export const handler = http({ service: 'users', path: userIdPath }).handler(async ({ path }) => ok(await getPublicProfile(path.userId, deps)));
