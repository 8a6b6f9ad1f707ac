// S3 LifecycleExpiration under uploads/: the bucket's rule removed an original no note used; its record and
// thumbnails go too (src/domain/expired-originals.ts).
import { s3LifecycleExpiration } from '@photonotes/shared/contracts/s3-object-created';
import { applied, ignored, s3Consumer } from '@photonotes/shared/consumers/s3';
import { dependencies } from '@photonotes/shared/dependencies';
import { mediaRepositoryFromEnv, mediaStorageFromEnv } from '../adapters/dependencies';
import { forgetExpiredOriginal } from '../domain/expired-originals';

const deps = () => dependencies({ media: mediaRepositoryFromEnv, storage: mediaStorageFromEnv });

export const handler = s3Consumer({ service: 'thumbnails', contract: s3LifecycleExpiration, deps }, async (object, { deps, log }) => {
  const result = await forgetExpiredOriginal(object.key, { media: deps.media, storage: deps.storage, log });
  return result === 'forgotten' ? applied({ key: object.key }) : ignored(`${object.key}: ${result}`);
});
