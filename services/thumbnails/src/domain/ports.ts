// What the domain needs from the outside world; adapters implement these, unit tests fake them.
import type { EventOf, EventPayload } from '@photonotes/shared/contracts/event';
import type { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import type { MediaRecord, StoredThumbnails } from './media';
import type { Dimensions, ThumbnailSize } from './thumbnail-sizes';
import type { PendingSlot } from './upload-quotas';

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
  /** Deletes the record unless a note references the upload (then 'referenced'); 'missing' when there is none. */
  removeUnreferenced(ownerId: string, key: string): Promise<'removed' | 'referenced' | 'missing'>;
}

/** What thumbnails last applied of one note's note.changed events: the upload the note holds on to. */
export interface NoteReference {
  version: number;
  deleted: boolean;
  photoKey: string | null;
}

/** Which notes reference which uploads (TABLES.md, "Originals and the notes that use them"). */
export interface NoteReferences {
  get(ownerId: string, noteId: string): Promise<NoteReference | undefined>;
  /**
   * Stores `next` for the note if its stored state is still `current` (undefined: none stored), and in the same
   * transaction moves the note from the record of current's upload to the record of next's (a record that does not
   * exist is left out). 'changed' when another event of the same note was stored first.
   */
  move(input: { ownerId: string; noteId: string; current: NoteReference | undefined; next: NoteReference; expiresAt: number | undefined }): Promise<'applied' | 'changed'>;
}

/** The per-user quota counters of POST /media/uploads (domain/upload-quotas.ts); every write is atomic. */
export interface UploadQuotas {
  /** The user's pending-upload slots as stored, expired ones included (at most a few dozen small items). */
  pendingSlots(userId: string): Promise<PendingSlot[]>;
  /** Takes the slot for the upload if no unexpired upload holds it; false when one does. */
  claimPendingSlot(input: { userId: string; slot: number; mediaKey: string; expiresAt: number; nowSeconds: number }): Promise<boolean>;
  /** Frees the slot if this upload still holds it (a later upload may have taken it after it expired). */
  releasePendingSlot(input: { userId: string; slot: number; mediaKey: string }): Promise<void>;
  /** Adds to the day's declared bytes unless that would pass `maxBytes`; false then, and nothing is added. */
  addUploadBytes(input: { userId: string; day: string; bytes: number; maxBytes: number; expiresAt: number }): Promise<boolean>;
  /** Takes bytes back off the day's count (an upload that could not be recorded after all). */
  refundUploadBytes(input: { userId: string; day: string; bytes: number }): Promise<void>;
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
  /**
   * Tags an original as referenced by a note or not (`photonotes:referenced`), which the bucket's lifecycle rule
   * reads; false when there is no such object.
   */
  tagOriginal(key: string, referenced: boolean): Promise<boolean>;
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
