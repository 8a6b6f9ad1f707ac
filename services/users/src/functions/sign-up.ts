// POST /auth/signup
import { dependencies } from '@photonotes/shared/dependencies';
import { created, http } from '@photonotes/shared/http';
import { identityProviderFromEnv } from '../adapters/dependencies';
import { signUpBody } from '../domain/account-fields';
import { signUp } from '../domain/sign-up';

const deps = dependencies({ identity: identityProviderFromEnv });

export const handler = http({ service: 'users', auth: false, body: signUpBody }).handler(async ({ body }) => created(await signUp(body, deps)));
