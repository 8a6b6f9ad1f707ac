// POST /auth/signup
import { created, http } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { SignUpBody } from '../domain/account-fields';
import { signUp } from '../domain/sign-up';

const identity = cognitoIdentityProviderFromEnv();

export const handler = http({ service: 'users', auth: false, body: SignUpBody }).handler(async ({ body }) => created(await signUp(body, { identity })));
