// user.deleted (user-events topic): the account's uploads, thumbnails and media records go.
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { mediaBucket, mediaRecords } from '../adapters/dependencies';
import { mediaStorage } from '../adapters/media-storage';
import { deleteUserMedia } from '../domain/user-deletion';

const deps = () => ({ media: mediaRecords(), storage: mediaStorage({ bucket: mediaBucket() }) });

export const handler = snsConsumer({ service: 'thumbnails', contract: userDeleted, deps }, async (event, { deps, log }) => {
  await deleteUserMedia(event.data.userId, { ...deps, log });
  return applied({ userId: event.data.userId });
});
