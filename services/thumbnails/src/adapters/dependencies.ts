// Adapters built once per cold start from the environment. Each function takes only what it uses, so
// the HTTP functions' bundles never carry the S3 client or sharp.
import { optionalEnv, requireEnv } from '@photonotes/shared/env';
import type { Clock } from '../domain/ports';
import { mediaRepository } from './media-repository';
import { mediaUrls } from './media-urls';

export const systemClock: Clock = { now: () => new Date() };

export function mediaBucket(): string {
  return requireEnv('MEDIA_BUCKET');
}

export function mediaRecords() {
  return mediaRepository(requireEnv('MEDIA_TABLE'));
}

/** Apps reach storage at S3_PUBLIC_ENDPOINT (the local emulator), else at AWS S3; thumbnails at the CDN when set. */
export function appUrls() {
  return mediaUrls({
    bucket: mediaBucket(),
    endpoint: optionalEnv('S3_PUBLIC_ENDPOINT'),
    thumbnailBaseUrl: optionalEnv('THUMBNAIL_BASE_URL'),
  });
}
