// POST /auth/login
import { http, ok } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { sessionsRepository, usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { LogInBody } from '../domain/account-fields';
import { logIn } from '../domain/sessions';

const table = usersTableFromEnv();
const deps = { identity: cognitoIdentityProviderFromEnv(), users: usersRepository(table), sessions: sessionsRepository(table), now: () => new Date() };

export const handler = http({ service: 'users', auth: false, body: LogInBody }).handler(async ({ body }) => ok(await logIn(body, deps), { 'cache-control': 'no-store' }));
