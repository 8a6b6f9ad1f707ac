// PATCH /users/me
import { http, ok } from '@photonotes/shared/http';
import { usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { UpdateProfileBody } from '../domain/account-fields';
import { updateOwnProfile } from '../domain/profile';

const deps = { users: usersRepository(usersTableFromEnv()), now: () => new Date() };

export const handler = http({ service: 'users', body: UpdateProfileBody }).handler(async ({ auth, body }) => ok(await updateOwnProfile(auth.userId, body, deps)));
