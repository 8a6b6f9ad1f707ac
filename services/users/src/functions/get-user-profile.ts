// GET /users/{userId}: another user's public profile (never the email).
import { http, ok } from '@photonotes/shared/http';
import { usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { getPublicProfile } from '../domain/profile';
import { getUserProfileRoute } from '../routes/get-user-profile';

const users = usersRepository(usersTableFromEnv());

export const handler = http(getUserProfileRoute).handler(async ({ path }) => ok(await getPublicProfile(path.userId, { users })));
