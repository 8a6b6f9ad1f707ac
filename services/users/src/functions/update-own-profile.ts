// PATCH /users/me
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { usersRepositoryFromEnv } from '../adapters/dependencies';
import { UpdateProfileBody } from '../domain/account-fields';
import { updateOwnProfile } from '../domain/profile';

const deps = dependencies({ users: usersRepositoryFromEnv, clock: () => systemClock });

export const handler = http({ service: 'users', body: UpdateProfileBody }).handler(async ({ auth, body }) => ok(await updateOwnProfile(auth.userId, body, deps)));
