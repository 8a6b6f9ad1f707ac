// PATCH /users/me
import { http, ok } from '@photonotes/shared/http';
import { usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { updateOwnProfile } from '../domain/profile';
import { updateOwnProfileRoute } from '../routes/update-own-profile';

const deps = { users: usersRepository(usersTableFromEnv()), now: () => new Date() };

export const handler = http(updateOwnProfileRoute).handler(async ({ auth, body }) => ok(await updateOwnProfile(auth.userId, body, deps)));
