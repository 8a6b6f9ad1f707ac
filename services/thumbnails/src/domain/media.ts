// A media item: one upload of one user, its processing status, and the thumbnails made from it.
import type { MediaContentType, ParsedMediaKey } from '@photonotes/shared/media-keys';
import type { ThumbnailSize } from './thumbnail-sizes';

export type MediaStatus = 'pending' | 'ready' | 'failed';

export interface StoredThumbnail {
  /** Object key under thumbs/. */
  key: string;
  width: number;
  height: number;
}

export type StoredThumbnails = Record<ThumbnailSize, StoredThumbnail>;

export interface MediaRecord {
  key: string;
  ownerId: string;
  status: MediaStatus;
  contentType: MediaContentType;
  /** Bytes the uploader declared: the upload URL is signed for exactly this length. */
  size: number;
  createdAt: string;
  updatedAt: string;
  /** The original's displayed size (EXIF orientation applied), once ready. */
  width?: number;
  height?: number;
  thumbnails?: StoredThumbnails;
  failureReason?: string;
  /** ETag of the upload whose processing ended in `status`: a repeated S3 event for it changes nothing. */
  processedEtag?: string;
  /** ETag whose media.processed event went out. */
  publishedEtag?: string;
  /** The pending-upload slot (domain/upload-quotas.ts) the upload holds until it is processed. */
  pendingSlot?: number;
  /** The notes whose photo this upload is (domain/original-references.ts); none: no note holds on to it. */
  noteIds?: string[];
  /** Grows with every change of `noteIds`, so a tag written from a stale read is noticed. */
  refsVersion?: number;
  /** The id of the request that created the record (POST /media/uploads): processing logs and events name it. */
  correlationId?: string;
}

export interface ThumbnailView {
  url: string;
  width: number;
  height: number;
}

export type ThumbnailViews = Record<ThumbnailSize, ThumbnailView>;

/** GET /media/{key}. */
export interface MediaView {
  key: string;
  status: MediaStatus;
  contentType: MediaContentType;
  width: number | null;
  height: number | null;
  thumbnails: ThumbnailViews | null;
}

/** Thumbnails sit next to each other under a prefix named after the upload, so one listing finds them. */
export function thumbnailPrefix(upload: ParsedMediaKey): string {
  return `thumbs/${upload.userId}/${upload.uuid}-${upload.signature}/`;
}

export function thumbnailKey(upload: ParsedMediaKey, size: ThumbnailSize, extension: string): string {
  return `${thumbnailPrefix(upload)}${size}.${extension}`;
}

/** Everything one user has in the bucket. */
export function userPrefixes(userId: string): string[] {
  return [`uploads/${userId}/`, `thumbs/${userId}/`];
}
