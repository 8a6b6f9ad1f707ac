// user-events topic: user.deleted removes the account's notes, its place in others' notes, and its feed.
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { notesDeps } from '../adapters/dependencies';
import { deleteAccountData } from '../domain/delete-account-data';

export const handler = snsConsumer({ service: 'core-api', contract: userDeleted, deps: notesDeps }, async (event, { deps }) => {
  await deleteAccountData(event.data.userId, deps);
  return applied({ userId: event.data.userId });
});
