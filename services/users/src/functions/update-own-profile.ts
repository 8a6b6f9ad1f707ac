// PATCH /users/me
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { usersRepositoryFromEnv } from '../adapters/dependencies';
import { updateProfileBody } from '../domain/account-fields';
import { updateOwnProfile } from '../domain/profile';

const deps = dependencies({ users: usersRepositoryFromEnv, clock: () => systemClock });

export const handler = http({ service: 'users', body: updateProfileBody }).handler(async ({ auth, body }) => ok(await updateOwnProfile(auth.userId, body, deps)));
