// POST /auth/reset
import { dependencies } from '@photonotes/shared/dependencies';
import { http, noContent } from '@photonotes/shared/http';
import { identityProviderFromEnv } from '../adapters/dependencies';
import { resetPassword } from '../domain/recovery';
import { resetPasswordRoute } from '../routes/reset-password';

const deps = dependencies({ identity: identityProviderFromEnv });

export const handler = http(resetPasswordRoute).handler(async ({ body }) => {
  await resetPassword(body, deps);
  return noContent();
});
