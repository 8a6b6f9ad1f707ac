// POST /auth/forgot: 202 whether or not the address has an account.
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, json } from '@photonotes/shared/http';
import { identityProviderFromEnv } from '../adapters/dependencies';
import { requestPasswordReset } from '../domain/recovery';
import { forgotPasswordRoute } from '../routes/forgot-password';

const deps = dependencies({ identity: identityProviderFromEnv, clock: () => systemClock });

export const handler = http(forgotPasswordRoute).handler(async ({ body, log }) => {
  await requestPasswordReset(body.email, { ...deps, sleep: async (ms) => void (await sleep(ms)), log });
  return json(202, undefined);
});
