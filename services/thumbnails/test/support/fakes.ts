import { correlationId } from '@photonotes/shared/correlation';
// In-memory stand-ins for the thumbnails ports, for unit tests of the domain.
import type { Clock } from '@photonotes/shared/clock';
import type { EventOf } from '@photonotes/shared/contracts/event';
import type { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import { createLogger } from '@photonotes/shared/log';
import type { Logger } from '@photonotes/shared/log';
import type { MediaRecord } from '../../src/domain/media';
import { ImageRejectedError } from '../../src/domain/ports';
import type {
  CompletionResult,
  ImageInfo,
  ImageProcessor,
  MediaEvents,
  MediaProcessedData,
  MediaRepository,
  MediaStorage,
  MediaUrls,
  NoteReference,
  NoteReferences,
  ProcessingOutcome,
  RenderedThumbnail,
  StoredObject,
  UploadQuotas,
} from '../../src/domain/ports';
import type { PendingSlot, UploadQuotaPolicy } from '../../src/domain/upload-quotas';
import { fitInside, thumbnailSizeNames, thumbnailSizes } from '../../src/domain/thumbnail-sizes';

export class FakeMediaRepository implements MediaRepository {
  readonly records = new Map<string, MediaRecord>();

  async create(record: MediaRecord): Promise<void> {
    if (this.records.has(record.key)) throw new Error('exists');
    // As the adapter: the record keeps the id of the request that created it.
    const requestId = correlationId();
    this.records.set(record.key, structuredClone({ ...record, ...(requestId === undefined ? {} : { correlationId: requestId }) }));
  }

  async get(ownerId: string, key: string): Promise<MediaRecord | undefined> {
    const record = this.records.get(key);
    return record && record.ownerId === ownerId ? structuredClone(record) : undefined;
  }

  async complete(ownerId: string, key: string, etag: string, outcome: ProcessingOutcome, now: string): Promise<CompletionResult> {
    const record = this.records.get(key);
    if (!record || record.ownerId !== ownerId) return 'missing';
    if (record.processedEtag === etag) return 'already-processed';
    const { width: _w, height: _h, thumbnails: _t, failureReason: _f, ...rest } = record;
    this.records.set(
      key,
      outcome.status === 'ready'
        ? { ...rest, status: 'ready', width: outcome.width, height: outcome.height, thumbnails: outcome.thumbnails, processedEtag: etag, updatedAt: now }
        : { ...rest, status: 'failed', failureReason: outcome.reason, processedEtag: etag, updatedAt: now },
    );
    return 'completed';
  }

  async markPublished(ownerId: string, key: string, etag: string): Promise<void> {
    const record = this.records.get(key);
    if (record && record.ownerId === ownerId) record.publishedEtag = etag;
  }

  async deleteAllOf(ownerId: string): Promise<number> {
    const keys = [...this.records.values()].filter((r) => r.ownerId === ownerId).map((r) => r.key);
    for (const key of keys) this.records.delete(key);
    return keys.length;
  }

  async removeUnreferenced(ownerId: string, key: string): Promise<'removed' | 'referenced' | 'missing'> {
    const record = this.records.get(key);
    if (!record || record.ownerId !== ownerId) return 'missing';
    if ((record.noteIds?.length ?? 0) > 0) return 'referenced';
    this.records.delete(key);
    return 'removed';
  }
}

/** Note states and the records' `noteIds`, moved together in one step as the DynamoDB transaction does. */
export class FakeNoteReferences implements NoteReferences {
  readonly notes = new Map<string, NoteReference & { expiresAt?: number }>();

  constructor(private readonly media: FakeMediaRepository) {}

  async get(ownerId: string, noteId: string): Promise<NoteReference | undefined> {
    await Promise.resolve();
    const note = this.notes.get(`${ownerId}/${noteId}`);
    return note && { version: note.version, deleted: note.deleted, photoKey: note.photoKey };
  }

  async move(input: { ownerId: string; noteId: string; current: NoteReference | undefined; next: NoteReference; expiresAt: number | undefined }): Promise<'applied' | 'changed'> {
    await Promise.resolve();
    const id = `${input.ownerId}/${input.noteId}`;
    const stored = this.notes.get(id);
    const same = input.current ? stored?.version === input.current.version && stored.deleted === input.current.deleted : stored === undefined;
    if (!same) return 'changed';
    this.notes.set(id, { ...input.next, ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }) });
    const from = input.current?.photoKey ?? null;
    const to = input.next.photoKey;
    if (from === to) return 'applied';
    const edit = (key: string | null, change: (ids: Set<string>) => void) => {
      const record = key ? this.media.records.get(key) : undefined;
      if (!record) return;
      const ids = new Set(record.noteIds ?? []);
      change(ids);
      record.noteIds = ids.size > 0 ? [...ids].sort() : undefined;
      if (record.noteIds === undefined) delete record.noteIds;
      record.refsVersion = (record.refsVersion ?? 0) + 1;
    };
    edit(from, (ids) => ids.delete(input.noteId));
    edit(to, (ids) => ids.add(input.noteId));
    return 'applied';
  }
}

/**
 * The quota counters with DynamoDB's semantics: each call yields once (so concurrent calls interleave), then
 * checks its condition and writes in one step, as one conditional request does.
 */
export class FakeUploadQuotas implements UploadQuotas {
  readonly slots = new Map<string, PendingSlot & { userId: string }>();
  readonly bytes = new Map<string, number>();
  readonly writes: string[] = [];

  async pendingSlots(userId: string): Promise<PendingSlot[]> {
    await Promise.resolve();
    return [...this.slots.values()].filter((slot) => slot.userId === userId).map(({ slot, mediaKey, expiresAt }) => ({ slot, mediaKey, expiresAt }));
  }

  async claimPendingSlot(input: { userId: string; slot: number; mediaKey: string; expiresAt: number; nowSeconds: number }): Promise<boolean> {
    await Promise.resolve();
    this.writes.push(`claim ${input.slot}`);
    const current = this.slots.get(`${input.userId}/${input.slot}`);
    if (current && current.expiresAt > input.nowSeconds) return false;
    this.slots.set(`${input.userId}/${input.slot}`, { userId: input.userId, slot: input.slot, mediaKey: input.mediaKey, expiresAt: input.expiresAt });
    return true;
  }

  async releasePendingSlot(input: { userId: string; slot: number; mediaKey: string }): Promise<void> {
    await Promise.resolve();
    this.writes.push(`release ${input.slot}`);
    if (this.slots.get(`${input.userId}/${input.slot}`)?.mediaKey === input.mediaKey) this.slots.delete(`${input.userId}/${input.slot}`);
  }

  async addUploadBytes(input: { userId: string; day: string; bytes: number; maxBytes: number; expiresAt: number }): Promise<boolean> {
    await Promise.resolve();
    const key = `${input.userId}/${input.day}`;
    const current = this.bytes.get(key);
    if (current !== undefined && current > input.maxBytes - input.bytes) return false;
    this.bytes.set(key, (current ?? 0) + input.bytes);
    return true;
  }

  async refundUploadBytes(input: { userId: string; day: string; bytes: number }): Promise<void> {
    await Promise.resolve();
    const key = `${input.userId}/${input.day}`;
    const current = this.bytes.get(key);
    if (current !== undefined) this.bytes.set(key, current - input.bytes);
  }

  pendingOf(userId: string): string[] {
    return [...this.slots.values()].filter((slot) => slot.userId === userId).map((slot) => slot.mediaKey);
  }
}

/** Limits no unit test reaches unless it means to. */
export const generousQuotaPolicy: UploadQuotaPolicy = { maxPendingUploads: 99, maxUploadBytesPerDay: 1024 * 1024 * 1024 };

export interface FakeObject {
  body: Uint8Array;
  contentType: string | undefined;
  etag: string;
}

export class FakeMediaStorage implements MediaStorage {
  readonly objects = new Map<string, FakeObject>();
  /** Keys whose write throws, to simulate S3 failing mid-way. */
  readonly failingWrites = new Set<string>();
  private version = 0;

  put(key: string, body: Uint8Array | string, contentType: string | undefined): FakeObject {
    this.version += 1;
    const object = { body: typeof body === 'string' ? Buffer.from(body) : body, contentType, etag: `etag-${this.version}` };
    this.objects.set(key, object);
    return object;
  }

  async head(key: string): Promise<StoredObject | undefined> {
    const object = this.objects.get(key);
    return object && { size: object.body.byteLength, contentType: object.contentType, etag: object.etag };
  }

  async read(key: string): Promise<Uint8Array> {
    const object = this.objects.get(key);
    if (!object) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return object.body;
  }

  async write(key: string, body: Uint8Array, contentType: string): Promise<void> {
    if (this.failingWrites.has(key)) throw new Error('S3 is down');
    this.put(key, body, contentType);
  }

  async remove(keys: string[]): Promise<void> {
    for (const key of keys) {
      this.objects.delete(key);
      this.referencedTags.delete(key);
    }
  }

  async removePrefix(prefix: string): Promise<number> {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix));
    await this.remove(keys);
    return keys.length;
  }

  /** The `photonotes:referenced` tag of each original, as last written. */
  readonly referencedTags = new Map<string, boolean>();
  readonly tagWrites: Array<[string, boolean]> = [];

  async tagOriginal(key: string, referenced: boolean): Promise<boolean> {
    if (!this.objects.has(key)) return false;
    this.referencedTags.set(key, referenced);
    this.tagWrites.push([key, referenced]);
    return true;
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}

export const fakeUrls: MediaUrls = {
  presignUpload: async ({ key, contentType, size, expiresInSeconds }) => `https://storage.test/${key}?type=${encodeURIComponent(contentType)}&size=${size}&ttl=${expiresInSeconds}`,
  thumbnailUrl: async (key) => `https://cdn.test/${key}`,
};

/**
 * Reads a fake "image" instead of decoding one: bytes after the format signature are JSON
 * `{ width, height, orientation?, broken? }` (see fakeImage).
 */
export class FakeImageProcessor implements ImageProcessor {
  renders = 0;

  private describe(bytes: Uint8Array): { width: number; height: number; orientation?: number; broken?: boolean; format: string } {
    const text = Buffer.from(bytes).toString('latin1');
    const start = text.indexOf('{');
    if (start < 0) throw new ImageRejectedError('not a decodable image: no pixels');
    return JSON.parse(text.slice(start)) as { width: number; height: number; orientation?: number; broken?: boolean; format: string };
  }

  async inspect(bytes: Uint8Array): Promise<ImageInfo> {
    const { format, width, height, orientation } = this.describe(bytes);
    return { format, width, height, ...(orientation !== undefined ? { orientation } : {}) };
  }

  async render(bytes: Uint8Array, _info: ImageInfo): Promise<RenderedThumbnail[]> {
    this.renders += 1;
    const { width, height, orientation, broken } = this.describe(bytes);
    if (broken) throw new ImageRejectedError('not a decodable image: corrupt data');
    const turned = orientation !== undefined && orientation >= 5;
    const shown = turned ? { width: height, height: width } : { width, height };
    return thumbnailSizeNames.map((size) => ({
      size,
      ...fitInside(shown, thumbnailSizes[size]),
      body: Buffer.from(`thumbnail ${size}`),
      contentType: 'image/webp',
      extension: 'webp',
    }));
  }
}

const signatures = {
  jpeg: [0xff, 0xd8, 0xff, 0xe0],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  webp: [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBP')],
};

/** Bytes FakeImageProcessor understands, starting with the real signature of `format`. */
export function fakeImage(description: { format: 'jpeg' | 'png' | 'webp'; width: number; height: number; orientation?: number; broken?: boolean }): Buffer {
  return Buffer.concat([Buffer.from(signatures[description.format]), Buffer.from(JSON.stringify(description))]);
}

export class FakeMediaEvents implements MediaEvents {
  readonly published: Array<EventOf<typeof mediaProcessed>> = [];
  failNext = false;

  async mediaProcessed(data: MediaProcessedData, eventId: string): Promise<EventOf<typeof mediaProcessed>> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SNS is down');
    }
    const event = {
      id: eventId,
      type: 'media.processed' as const,
      version: 1 as const,
      source: 'thumbnails',
      occurredAt: new Date().toISOString(),
      // As the publisher (shared/src/sns.ts): the correlation id of the work in progress, else the event's own.
      correlationId: correlationId() ?? eventId,
      data: structuredClone(data),
    };
    this.published.push(event);
    return event;
  }
}

export function fixedClock(iso = '2026-11-28T09:00:00.000Z'): Clock {
  return { now: () => new Date(iso) };
}

export function silentLogger(): Logger {
  return createLogger({ service: 'thumbnails-test', level: 'silent' });
}
