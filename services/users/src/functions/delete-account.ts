// DELETE /users/me
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, noContent } from '@photonotes/shared/http';
import { deletionSweepsFromEnv, identityProviderFromEnv, revocationsFromEnv, userEventsFromEnv, usersRepositoryFromEnv } from '../adapters/dependencies';
import { deleteAccount } from '../domain/account-deletion';
import { deleteAccountRoute } from '../routes/delete-account';

const deps = dependencies({
  identity: identityProviderFromEnv,
  users: usersRepositoryFromEnv,
  events: userEventsFromEnv,
  revocations: revocationsFromEnv,
  sweeps: deletionSweepsFromEnv,
  clock: () => systemClock,
});

export const handler = http(deleteAccountRoute).handler(async ({ auth }) => {
  await deleteAccount(auth.userId, deps);
  return noContent();
});
