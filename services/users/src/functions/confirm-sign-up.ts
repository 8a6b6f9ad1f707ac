// POST /auth/confirm
import { dependencies } from '@photonotes/shared/dependencies';
import { http, noContent } from '@photonotes/shared/http';
import { identityProviderFromEnv } from '../adapters/dependencies';
import { confirmSignUp } from '../domain/sign-up';
import { confirmSignUpRoute } from '../routes/confirm-sign-up';

const deps = dependencies({ identity: identityProviderFromEnv });

export const handler = http(confirmSignUpRoute).handler(async ({ body }) => {
  await confirmSignUp(body, deps);
  return noContent();
});
