// S3 ObjectCreated under uploads/: the thumbnail pipeline (src/domain/processing.ts).
import { s3Handler } from '@photonotes/shared/events';
import { requireEnv } from '@photonotes/shared/env';
import { appUrls, mediaBucket, mediaRecords, systemClock } from '../adapters/dependencies';
import { sharpImageProcessor } from '../adapters/image-processor';
import { mediaEventsTopic } from '../adapters/media-events';
import { mediaStorage } from '../adapters/media-storage';
import { processUpload } from '../domain/processing';

const deps = {
  media: mediaRecords(),
  storage: mediaStorage({ bucket: mediaBucket() }),
  urls: appUrls(),
  images: sharpImageProcessor(),
  events: mediaEventsTopic(requireEnv('MEDIA_EVENTS_TOPIC_ARN')),
  clock: systemClock,
};

export const handler = s3Handler({ service: 'thumbnails' }, async (record, { log }) => {
  // The trigger is limited to uploads/; this guards against a misconfigured one feeding thumbnails back in.
  if (!record.key.startsWith('uploads/')) return;
  const result = await processUpload({ key: record.key, eTag: record.eTag }, { ...deps, log });
  log.info('Upload processed', { key: record.key, result });
});
