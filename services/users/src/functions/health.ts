// GET /health/users: are the users table and the identity provider's signing keys reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { optionalEnv, requireEnv } from '@photonotes/shared/env';
import { keySetIsReachable } from '../adapters/identity-provider-health';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  usersTable: tableIsReachable(requireEnv('USERS_TABLE')),
  identityProvider: keySetIsReachable(optionalEnv('COGNITO_JWKS_URL') ?? `${requireEnv('COGNITO_ISSUER')}/.well-known/jwks.json`),
});
