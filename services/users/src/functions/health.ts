// GET /health/users: is the users table reachable?
import { healthHandler } from '@photonotes/shared/health';
import { tableIsReachable } from '@photonotes/shared/health-checks';
import { requireEnv } from '@photonotes/shared/env';

export const handler = healthHandler('users', {
  usersTable: tableIsReachable(requireEnv('USERS_TABLE')),
});
