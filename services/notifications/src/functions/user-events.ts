// user-events topic: user.deleted removes the account's devices (with their push endpoints) and its inbox, and closes
// its realtime connections.
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { consumerDeps } from '../adapters/dependencies';
import { deleteAccountData } from '../domain/account-deletion';

export const handler = snsConsumer({ service: 'notifications', contract: userDeleted, deps: consumerDeps }, async (event, { deps, log }) => {
  // Connections first: a deleted account's open apps stop hearing anything at once.
  const connections = await deps.realtime.closeUserConnections(event.data.userId, log);
  const deleted = await deleteAccountData(event.data.userId, deps, log);
  return applied({ userId: event.data.userId, ...deleted, connections });
});
