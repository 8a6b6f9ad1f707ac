// GET /users/me
import { http, ok } from '@photonotes/shared/http';
import { usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { getOwnProfile } from '../domain/profile';

const users = usersRepository(usersTableFromEnv());

export const handler = http({ service: 'users' }).handler(async ({ auth }) => ok(await getOwnProfile(auth.userId, { users })));
