// POST /auth/signup
import { created, http } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { signUp } from '../domain/sign-up';
import { signUpRoute } from '../routes/sign-up';

const identity = cognitoIdentityProviderFromEnv();

export const handler = http(signUpRoute).handler(async ({ body }) => created(await signUp(body, { identity })));
