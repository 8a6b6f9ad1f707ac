// POST /auth/logout: requires the access token; every refresh token of the caller stops working.
import { UnauthorizedError } from '@photonotes/shared/errors';
import { http, noContent } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { sessionsRepository, usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { logOut } from '../domain/sessions';
import { logOutRoute } from '../routes/log-out';

const table = usersTableFromEnv();
const deps = { identity: cognitoIdentityProviderFromEnv(), users: usersRepository(table), sessions: sessionsRepository(table), now: () => new Date() };
const bearer = /^Bearer +(\S+) *$/i;

export const handler = http(logOutRoute).handler(async ({ auth, headers, log }) => {
  // The chain verified this very token before the handler runs.
  const accessToken = bearer.exec(headers.authorization ?? '')?.[1];
  if (!accessToken) throw new UnauthorizedError('Missing bearer token');
  await logOut(auth.userId, accessToken, { ...deps, log });
  return noContent();
});
