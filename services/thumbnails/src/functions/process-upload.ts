// S3 ObjectCreated under uploads/: the thumbnail pipeline (src/domain/processing.ts).
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { s3Handler } from '@photonotes/shared/events';
import { mediaEventsFromEnv, mediaRepositoryFromEnv, mediaStorageFromEnv, mediaUrlsFromEnv } from '../adapters/dependencies';
import { sharpImageProcessor } from '../adapters/image-processor';
import { processUpload } from '../domain/processing';

const deps = dependencies({
  media: mediaRepositoryFromEnv,
  storage: mediaStorageFromEnv,
  urls: mediaUrlsFromEnv,
  images: sharpImageProcessor,
  events: mediaEventsFromEnv,
  clock: () => systemClock,
});

export const handler = s3Handler({ service: 'thumbnails' }, async (record, { log }) => {
  // The trigger is limited to uploads/; this guards against a misconfigured one feeding thumbnails back in.
  if (!record.key.startsWith('uploads/')) return;
  const result = await processUpload({ key: record.key, eTag: record.eTag }, { ...deps, log });
  log.info('Upload processed', { key: record.key, result });
});
