// PATCH /users/me
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { usersRepositoryFromEnv } from '../adapters/dependencies';
import { updateOwnProfile } from '../domain/profile';
import { updateOwnProfileRoute } from '../routes/update-own-profile';

const deps = dependencies({ users: usersRepositoryFromEnv, clock: () => systemClock });

export const handler = http(updateOwnProfileRoute).handler(async ({ auth, body }) => ok(await updateOwnProfile(auth.userId, body, deps)));
