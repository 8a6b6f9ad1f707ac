// POST /auth/confirm
import { dependencies } from '@photonotes/shared/dependencies';
import { http, noContent } from '@photonotes/shared/http';
import { identityProviderFromEnv } from '../adapters/dependencies';
import { confirmSignUpBody } from '../domain/account-fields';
import { confirmSignUp } from '../domain/sign-up';

const deps = dependencies({ identity: identityProviderFromEnv });

export const handler = http({ service: 'users', auth: false, body: confirmSignUpBody }).handler(async ({ body }) => {
  await confirmSignUp(body, deps);
  return noContent();
});
