// POST /auth/login
import { http, ok } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { sessionsRepository, usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { logIn } from '../domain/sessions';
import { logInRoute } from '../routes/log-in';

const table = usersTableFromEnv();
const deps = { identity: cognitoIdentityProviderFromEnv(), users: usersRepository(table), sessions: sessionsRepository(table), now: () => new Date() };

export const handler = http(logInRoute).handler(async ({ body }) => ok(await logIn(body, deps), { 'cache-control': 'no-store' }));
