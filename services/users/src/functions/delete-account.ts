// DELETE /users/me
import { requireEnv } from '@photonotes/shared/env';
import { http, noContent } from '@photonotes/shared/http';
import { cognitoIdentityProviderFromEnv } from '../adapters/cognito-identity-provider';
import { userEventsOnTopic } from '../adapters/user-events';
import { usersRepository, usersTableFromEnv } from '../adapters/users-table';
import { deleteAccount } from '../domain/account-deletion';
import { deleteAccountRoute } from '../routes/delete-account';

const deps = {
  identity: cognitoIdentityProviderFromEnv(),
  users: usersRepository(usersTableFromEnv()),
  events: userEventsOnTopic(requireEnv('USER_EVENTS_TOPIC_ARN')),
  now: () => new Date(),
};

export const handler = http(deleteAccountRoute).handler(async ({ auth }) => {
  await deleteAccount(auth.userId, deps);
  return noContent();
});
