// GET /users?email=<address> → { userId, displayName }, at most EMAIL_LOOKUPS_PER_HOUR (param emailLookupsPerHour)
// look-ups per caller an hour.
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { emailLookupsPerHourFromEnv, lookupAllowanceFromEnv, userDirectoryFromEnv } from '../adapters/dependencies';
import { findUserByEmail } from '../domain/user-lookup';
import { findUserByEmailRoute } from '../routes/find-user-by-email';

const deps = dependencies({
  directory: userDirectoryFromEnv,
  allowance: lookupAllowanceFromEnv,
  clock: () => systemClock,
  lookupsPerHour: emailLookupsPerHourFromEnv,
});

export const handler = http(findUserByEmailRoute).handler(async ({ query, auth }) => ok(await findUserByEmail(query.email, auth, deps)));
