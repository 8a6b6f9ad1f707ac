// POST /auth/refresh
import { http, ok } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { sessionsRepository, usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { refreshSession } from '../domain/sessions';
import { refreshSessionRoute } from '../routes/refresh-session';

const table = usersTableFromEnv();
const deps = { identity: cognitoIdentityProviderFromEnv(), users: usersRepository(table), sessions: sessionsRepository(table), now: () => new Date() };

export const handler = http(refreshSessionRoute).handler(async ({ body }) =>
  ok(await refreshSession(body.refreshToken, deps), { 'cache-control': 'no-store' }),
);
