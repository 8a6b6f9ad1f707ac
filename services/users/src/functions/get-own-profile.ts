// GET /users/me
import { http, ok } from '@photonotes/shared/http';
import { usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { getOwnProfile } from '../domain/profile';
import { getOwnProfileRoute } from '../routes/get-own-profile';

const users = usersRepository(usersTableFromEnv());

export const handler = http(getOwnProfileRoute).handler(async ({ auth }) => ok(await getOwnProfile(auth.userId, { users })));
