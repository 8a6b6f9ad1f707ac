// POST /auth/signup
import { dependencies } from '@photonotes/shared/dependencies';
import { created, http } from '@photonotes/shared/http';
import { identityProviderFromEnv } from '../adapters/dependencies';
import { signUp } from '../domain/sign-up';
import { signUpRoute } from '../routes/sign-up';

const deps = dependencies({ identity: identityProviderFromEnv });

export const handler = http(signUpRoute).handler(async ({ body }) => created(await signUp(body, deps)));
