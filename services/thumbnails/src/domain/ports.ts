// What the domain needs from the outside world; adapters implement these, unit tests fake them.
import type { EventOf, EventPayload } from '@photonotes/shared/contracts/event';
import type { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import type { MediaRecord, StoredThumbnails } from './media';
import type { Dimensions, ThumbnailSize } from './thumbnail-sizes';

export type ProcessingOutcome =
  | { status: 'ready'; width: number; height: number; thumbnails: StoredThumbnails }
  | { status: 'failed'; reason: string };

export type CompletionResult = 'completed' | 'already-processed' | 'missing';

export interface MediaRepository {
  create(record: MediaRecord): Promise<void>;
  get(ownerId: string, key: string): Promise<MediaRecord | undefined>;
  /** Records the outcome for `etag` unless that upload was already processed or the record is gone. */
  complete(ownerId: string, key: string, etag: string, outcome: ProcessingOutcome, now: string): Promise<CompletionResult>;
  markPublished(ownerId: string, key: string, etag: string): Promise<void>;
  /** Deletes every record of the user; returns how many there were. */
  deleteAllOf(ownerId: string): Promise<number>;
}

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  /** Without quotes. */
  etag: string;
}

/** The bucket as this service reads and writes it. */
export interface MediaStorage {
  head(key: string): Promise<StoredObject | undefined>;
  read(key: string): Promise<Uint8Array>;
  write(key: string, body: Uint8Array, contentType: string): Promise<void>;
  remove(keys: string[]): Promise<void>;
  /** Deletes every object under the prefix; returns how many there were. */
  removePrefix(prefix: string): Promise<number>;
}

/** The bucket as apps reach it. */
export interface MediaUrls {
  /** A URL that accepts one PUT of exactly this type and length until it expires. */
  presignUpload(input: { key: string; contentType: string; size: number; expiresInSeconds: number }): Promise<string>;
  /** An absolute URL an app can fetch the thumbnail from. */
  thumbnailUrl(key: string): Promise<string>;
}

export interface ImageInfo extends Dimensions {
  format: string;
  /** EXIF orientation, 1..8, when the image has one. */
  orientation?: number;
}

export interface RenderedThumbnail extends Dimensions {
  size: ThumbnailSize;
  body: Uint8Array;
  contentType: string;
  extension: string;
}

/** A file that cannot become thumbnails: no retry can change that. */
export class ImageRejectedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImageRejectedError';
  }
}

export interface ImageProcessor {
  /** Reads the header only: format, stored size and orientation. Throws ImageRejectedError. */
  inspect(bytes: Uint8Array): Promise<ImageInfo>;
  /**
   * Auto-oriented, metadata-free thumbnails of every size, each exactly fitInside(displayed size, longest side).
   * `info` is what inspect() returned for the same bytes. Throws ImageRejectedError.
   */
  render(bytes: Uint8Array, info: ImageInfo): Promise<RenderedThumbnail[]>;
}

/** media.processed as its contract defines it (shared/src/contracts/media-events.ts). */
export type MediaProcessedData = EventPayload<typeof mediaProcessed>;

export interface MediaEvents {
  mediaProcessed(data: MediaProcessedData, eventId: string): Promise<EventOf<typeof mediaProcessed>>;
}
