// POST /auth/logout: requires the access token; every refresh token of the caller stops working.
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { UnauthorizedError } from '@photonotes/shared/errors';
import { http, noContent } from '@photonotes/shared/http';
import { identityProviderFromEnv, sessionsRepositoryFromEnv, usersRepositoryFromEnv } from '../adapters/dependencies';
import { logOut } from '../domain/sessions';
import { logOutRoute } from '../routes/log-out';

const deps = dependencies({ identity: identityProviderFromEnv, users: usersRepositoryFromEnv, sessions: sessionsRepositoryFromEnv, clock: () => systemClock });
const bearer = /^Bearer +(\S+) *$/i;

export const handler = http(logOutRoute).handler(async ({ auth, body, headers, log }) => {
  // The chain verified this very token before the handler runs.
  const accessToken = bearer.exec(headers.authorization ?? '')?.[1];
  if (!accessToken) throw new UnauthorizedError('Missing bearer token');
  await logOut({ userId: auth.userId, accessToken, refreshToken: body?.refreshToken }, { ...deps, log });
  return noContent();
});
