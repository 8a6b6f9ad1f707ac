// GET /users/{userId}: another user's public profile (never the email).
import { http, ok } from '@photonotes/shared/http';
import { usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { UserPathParams } from '../domain/account-fields';
import { getPublicProfile } from '../domain/profile';

const users = usersRepository(usersTableFromEnv());

export const handler = http({ service: 'users', path: UserPathParams }).handler(async ({ path }) => ok(await getPublicProfile(path.userId, { users })));
