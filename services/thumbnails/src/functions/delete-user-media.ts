// user.deleted (user-events topic): the account's uploads, thumbnails and media records go.
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { dependencies } from '@photonotes/shared/dependencies';
import { mediaRepositoryFromEnv, mediaStorageFromEnv } from '../adapters/dependencies';
import { deleteUserMedia } from '../domain/user-deletion';

const deps = () => dependencies({ media: mediaRepositoryFromEnv, storage: mediaStorageFromEnv });

export const handler = snsConsumer({ service: 'thumbnails', contract: userDeleted, deps }, async (event, { deps, log }) => {
  await deleteUserMedia(event.data.userId, { ...deps, log });
  return applied({ userId: event.data.userId });
});
