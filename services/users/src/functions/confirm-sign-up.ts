// POST /auth/confirm
import { http, noContent } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { confirmSignUp } from '../domain/sign-up';
import { confirmSignUpRoute } from '../routes/confirm-sign-up';

const identity = cognitoIdentityProviderFromEnv();

export const handler = http(confirmSignUpRoute).handler(async ({ body }) => {
  await confirmSignUp(body, { identity });
  return noContent();
});
