// GET /health/users: are the users table and the identity provider's signing keys reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { identityKeysUrl, usersTableName } from '../adapters/dependencies';
import { keySetIsReachable } from '../adapters/identity-provider-health';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  usersTable: tableIsReachable(usersTableName),
  identityProvider: keySetIsReachable(identityKeysUrl),
});
