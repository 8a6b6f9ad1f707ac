// POST /auth/login
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { identityProviderFromEnv, sessionsRepositoryFromEnv, signUpEventsFromEnv, usersRepositoryFromEnv } from '../adapters/dependencies';
import { logIn } from '../domain/sessions';
import { logInRoute } from '../routes/log-in';

const deps = dependencies({
  identity: identityProviderFromEnv,
  users: usersRepositoryFromEnv,
  sessions: sessionsRepositoryFromEnv,
  clock: () => systemClock,
  signUps: signUpEventsFromEnv,
});

export const handler = http(logInRoute).handler(async ({ body }) => ok(await logIn(body, deps), { 'cache-control': 'no-store' }));
