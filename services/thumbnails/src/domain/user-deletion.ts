// user.deleted: a deleted account's uploads, thumbnails and media records go. Safe to repeat.
import type { Logger } from '@photonotes/shared/log';
import { userPrefixes } from './media';
import type { MediaRepository, MediaStorage } from './ports';

export interface UserDeletionDeps {
  media: MediaRepository;
  storage: MediaStorage;
  log: Logger;
}

export async function deleteUserMedia(userId: string, deps: UserDeletionDeps): Promise<void> {
  // Records first: an upload still in flight then finds no record and removes its own object.
  const records = await deps.media.deleteAllOf(userId);
  let objects = 0;
  for (const prefix of userPrefixes(userId)) objects += await deps.storage.removePrefix(prefix);
  deps.log.info('Deleted the media of a deleted user', { userId, records, objects });
}
