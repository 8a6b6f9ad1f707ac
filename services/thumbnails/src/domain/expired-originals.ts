// The lifecycle rule removed an original (S3 LifecycleExpiration under uploads/): nothing references it, so its
// record and thumbnails go too, and GET /media/{key} answers 404 as for any upload that is gone. If a note took
// the upload on in the moment S3 expired it (the tag said unreferenced a little too long), the record and the
// thumbnails the note shows stay; only the original is lost.
import { parseMediaKey } from '@photonotes/shared/media-keys';
import type { Logger } from '@photonotes/shared/log';
import { thumbnailPrefix } from './media';
import type { MediaRepository, MediaStorage } from './ports';

export interface ExpiredOriginalDeps {
  media: Pick<MediaRepository, 'removeUnreferenced'>;
  storage: Pick<MediaStorage, 'removePrefix'>;
  log: Logger;
}

export type ExpiredOriginalResult = 'forgotten' | 'kept-for-a-note' | 'not-an-upload';

export async function forgetExpiredOriginal(key: string, deps: ExpiredOriginalDeps): Promise<ExpiredOriginalResult> {
  const upload = parseMediaKey(key);
  if (!upload) return 'not-an-upload';
  // The record first, on the condition that no note references it; thumbnails only once it is gone.
  const outcome = await deps.media.removeUnreferenced(upload.userId, key);
  if (outcome === 'referenced') {
    deps.log.warn('A note references an original the lifecycle rule removed: its record and thumbnails stay', { key });
    return 'kept-for-a-note';
  }
  await deps.storage.removePrefix(thumbnailPrefix(upload));
  return 'forgotten';
}
