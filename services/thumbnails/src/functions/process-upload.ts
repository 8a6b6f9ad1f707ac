// S3 ObjectCreated under uploads/: the thumbnail pipeline (src/domain/processing.ts).
import { systemClock } from '@photonotes/shared/clock';
import { s3ObjectCreated } from '@photonotes/shared/contracts/s3-object-created';
import { applied, ignored, s3Consumer } from '@photonotes/shared/consumers/s3';
import { dependencies } from '@photonotes/shared/dependencies';
import { emfMetrics } from '@photonotes/shared/metrics-emf';
import { mediaEventsFromEnv, mediaRepositoryFromEnv, mediaStorageFromEnv, mediaUrlsFromEnv, uploadQuotasFromEnv } from '../adapters/dependencies';
import { sharpImageProcessor } from '../adapters/image-processor';
import { processUpload } from '../domain/processing';

const deps = () =>
  dependencies({
    media: mediaRepositoryFromEnv,
    storage: mediaStorageFromEnv,
    urls: mediaUrlsFromEnv,
    images: sharpImageProcessor,
    events: mediaEventsFromEnv,
    quotas: uploadQuotasFromEnv,
    clock: () => systemClock,
    metrics: () => emfMetrics({ service: 'thumbnails' }),
    nowMs: () => () => performance.now(),
  });

export const handler = s3Consumer({ service: 'thumbnails', contract: s3ObjectCreated, deps }, async (object, { deps, log }) => {
  // The trigger is limited to uploads/; this guards against a misconfigured one feeding thumbnails back in.
  if (!object.key.startsWith('uploads/')) return ignored(`${object.key} is outside uploads/`);
  const result = await processUpload({ key: object.key, eTag: object.eTag }, { ...deps, log });
  return result === 'ignored' || result === 'duplicate' ? ignored(`upload ${result}`) : applied({ key: object.key, result });
});
