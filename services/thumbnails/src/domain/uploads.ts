// POST /media/uploads and GET /media/{key}: signed upload URLs for the caller's photos, and their status.
import type { Clock } from '@photonotes/shared/clock';
import { NotFoundError } from '@photonotes/shared/errors';
import { parseMediaKey, signMediaKey, verifyMediaKey } from '@photonotes/shared/media-keys';
import type { MediaContentType } from '@photonotes/shared/media-keys';
import type { MediaRecord, MediaView, ThumbnailViews } from './media';
import type { MediaRepository, MediaUrls, UploadQuotas } from './ports';
import { thumbnailSizeNames } from './thumbnail-sizes';
import { admitUpload, revokeAdmission } from './upload-quotas';
import type { UploadQuotaPolicy } from './upload-quotas';

/** How long an upload URL stays valid. */
export const uploadUrlTtlSeconds = 15 * 60;

/** A record whose upload never arrives expires a day later (DynamoDB TTL). */
export const pendingRecordTtlSeconds = 24 * 60 * 60;

export interface CreateUploadInput {
  contentType: MediaContentType;
  size: number;
}

export interface UploadTicket {
  key: string;
  uploadUrl: string;
  method: 'PUT';
  headers: { 'Content-Type': MediaContentType };
  expiresAt: string;
}

export interface UploadDeps {
  media: MediaRepository;
  urls: MediaUrls;
  quotas: UploadQuotas;
  quotaPolicy: UploadQuotaPolicy;
  clock: Clock;
}

export async function createUpload(input: CreateUploadInput, userId: string, deps: UploadDeps): Promise<UploadTicket> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + uploadUrlTtlSeconds * 1000);
  const key = signMediaKey(userId, input.contentType);
  // Signing is local work and comes first: a record is only written for a URL that exists, and the
  // record exists before the URL is handed out, so processing always finds it.
  const uploadUrl = await deps.urls.presignUpload({ key, contentType: input.contentType, size: input.size, expiresInSeconds: uploadUrlTtlSeconds });
  // Over a quota: a 429 before anything is recorded.
  const request = { userId, mediaKey: key, size: input.size, now, urlExpiresAt: expiresAt };
  const admission = await admitUpload(request, { quotas: deps.quotas, policy: deps.quotaPolicy });
  try {
    await deps.media.create({
      key,
      ownerId: userId,
      status: 'pending',
      contentType: input.contentType,
      size: input.size,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      pendingSlot: admission.slot,
    });
  } catch (err) {
    // No URL goes out, so nothing will use what was admitted.
    await revokeAdmission(request, admission, deps.quotas).catch(() => undefined);
    throw err;
  }
  return {
    key,
    uploadUrl,
    method: 'PUT',
    headers: { 'Content-Type': input.contentType },
    expiresAt: expiresAt.toISOString(),
  };
}

export async function thumbnailViews(record: MediaRecord, urls: MediaUrls): Promise<ThumbnailViews | null> {
  const stored = record.thumbnails;
  if (record.status !== 'ready' || !stored) return null;
  const views = await Promise.all(
    thumbnailSizeNames.map(async (size) => {
      const { key, width, height } = stored[size];
      return [size, { url: await urls.thumbnailUrl(key), width, height }] as const;
    }),
  );
  return Object.fromEntries(views) as ThumbnailViews;
}

/** Only the uploader sees a media item; to anyone else it does not exist. */
export async function getMedia(key: string, userId: string, deps: Pick<UploadDeps, 'media' | 'urls'>): Promise<MediaView> {
  const parsed = parseMediaKey(key);
  // The key names its owner, so a foreign or forged key is refused without a read.
  if (!parsed || parsed.userId !== userId || !verifyMediaKey(key, userId)) throw new NotFoundError('Media not found');
  const record = await deps.media.get(userId, key);
  if (!record) throw new NotFoundError('Media not found');
  return {
    key: record.key,
    status: record.status,
    contentType: record.contentType,
    width: record.width ?? null,
    height: record.height ?? null,
    thumbnails: await thumbnailViews(record, deps.urls),
  };
}
