// POST /auth/confirm
import { http, noContent } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { ConfirmSignUpBody } from '../domain/account-fields';
import { confirmSignUp } from '../domain/sign-up';

const identity = cognitoIdentityProviderFromEnv();

export const handler = http({ service: 'users', auth: false, body: ConfirmSignUpBody }).handler(async ({ body }) => {
  await confirmSignUp(body, { identity });
  return noContent();
});
