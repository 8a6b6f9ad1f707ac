// POST /auth/refresh
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { identityProviderFromEnv, sessionsRepositoryFromEnv, usersRepositoryFromEnv } from '../adapters/dependencies';
import { refreshSession } from '../domain/sessions';
import { refreshSessionRoute } from '../routes/refresh-session';

const deps = dependencies({ identity: identityProviderFromEnv, users: usersRepositoryFromEnv, sessions: sessionsRepositoryFromEnv, clock: () => systemClock });

export const handler = http(refreshSessionRoute).handler(async ({ body }) =>
  ok(await refreshSession(body.refreshToken, deps), { 'cache-control': 'no-store' }),
);
