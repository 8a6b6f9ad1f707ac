// user-events topic: user.deleted removes the account's devices (with their push endpoints) and its inbox.
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { notificationsDeps } from '../adapters/dependencies';
import { deleteAccountData } from '../domain/account-deletion';

export const handler = snsConsumer({ service: 'notifications', contract: userDeleted, deps: notificationsDeps }, async (event, { deps, log }) => {
  const deleted = await deleteAccountData(event.data.userId, deps, log);
  return applied({ userId: event.data.userId, ...deleted });
});
