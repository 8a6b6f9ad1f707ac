// POST /auth/refresh
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { identityProviderFromEnv, sessionsRepositoryFromEnv, usersRepositoryFromEnv } from '../adapters/dependencies';
import { refreshBody } from '../domain/account-fields';
import { refreshSession } from '../domain/sessions';

const deps = dependencies({ identity: identityProviderFromEnv, users: usersRepositoryFromEnv, sessions: sessionsRepositoryFromEnv, clock: () => systemClock });

export const handler = http({ service: 'users', auth: false, body: refreshBody }).handler(async ({ body }) =>
  ok(await refreshSession(body.refreshToken, deps), { 'cache-control': 'no-store' }),
);
