// How the thumbnails functions get their dependencies (README, "Wiring a service"): a getter per capability,
// built on first use and kept for the container's life, each reading its own environment variables.
// Getters are function declarations, so esbuild drops the ones a function does not use: the HTTP functions
// never bundle the S3 client. sharp is not here: its package declares side effects, so esbuild would keep it
// in every bundle that imports this module; the processing function builds it itself (image-processor.ts).
import { optionalEnv, requireEnv } from '@photonotes/shared/env';
import type { MediaEvents, MediaRepository, MediaStorage, MediaUrls, NoteReferences, UploadQuotas } from '../domain/ports';
import { uploadQuotaPolicy } from '../domain/upload-quotas';
import type { UploadQuotaPolicy } from '../domain/upload-quotas';
import { mediaEventsTopic } from './media-events';
import { mediaRepository } from './media-repository';
import { mediaStorage } from './media-storage';
import { mediaUrls } from './media-urls';
import { noteReferences } from './note-references';
import { uploadQuotas } from './upload-quotas';

export function mediaTableName(): string {
  return requireEnv('MEDIA_TABLE');
}

export function mediaBucketName(): string {
  return requireEnv('MEDIA_BUCKET');
}

let records: MediaRepository | undefined;
export function mediaRepositoryFromEnv(): MediaRepository {
  return (records ??= mediaRepository({ tableName: mediaTableName() }));
}

let storage: MediaStorage | undefined;
export function mediaStorageFromEnv(): MediaStorage {
  return (storage ??= mediaStorage({ bucket: mediaBucketName() }));
}

let urls: MediaUrls | undefined;
/** Apps reach storage at S3_PUBLIC_ENDPOINT (the local emulator), else at AWS S3; thumbnails at the CDN when set. */
export function mediaUrlsFromEnv(): MediaUrls {
  return (urls ??= mediaUrls({ bucket: mediaBucketName(), endpoint: optionalEnv('S3_PUBLIC_ENDPOINT'), thumbnailBaseUrl: optionalEnv('THUMBNAIL_BASE_URL') }));
}

let events: MediaEvents | undefined;
export function mediaEventsFromEnv(): MediaEvents {
  return (events ??= mediaEventsTopic(requireEnv('MEDIA_EVENTS_TOPIC_ARN')));
}

let quotas: UploadQuotas | undefined;
export function uploadQuotasFromEnv(): UploadQuotas {
  return (quotas ??= uploadQuotas({ tableName: mediaTableName() }));
}

/** The stage's limits (params uploadMaxPending, uploadMaxBytesPerDay); a missing or malformed one fails loudly. */
export function uploadQuotaPolicyFromEnv(): UploadQuotaPolicy {
  return uploadQuotaPolicy({ maxPendingUploads: requireEnv('UPLOAD_MAX_PENDING'), maxUploadBytesPerDay: requireEnv('UPLOAD_MAX_BYTES_PER_DAY') });
}

let references: NoteReferences | undefined;
export function noteReferencesFromEnv(): NoteReferences {
  return (references ??= noteReferences({ tableName: mediaTableName() }));
}
