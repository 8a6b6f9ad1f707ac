// Turns an upload into thumbnails when S3 reports it: checks that the object is what was signed for and a
// decodable image of the declared type, renders the thumbnail set, records the outcome once per ETag and
// tells other services. Files that can never succeed end as `failed` (no exception, so no Lambda retry);
// only infrastructure errors throw, and a retry then finds the work done so far and carries on.
import type { Clock } from '@photonotes/shared/clock';
import { withCorrelationId } from '@photonotes/shared/correlation';
import { parseMediaKey, verifyMediaKey } from '@photonotes/shared/media-keys';
import type { ParsedMediaKey } from '@photonotes/shared/media-keys';
import type { Logger } from '@photonotes/shared/log';
import type { Metrics } from '@photonotes/shared/metrics';
import { formatOfContentType, formatSignatureBytes, detectImageFormat } from './image-format';
import { thumbnailKey, thumbnailPrefix } from './media';
import type { MediaRecord, StoredThumbnails } from './media';
import { syncOriginalTag } from './original-references';
import { ImageRejectedError } from './ports';
import type { ImageProcessor, MediaEvents, MediaRepository, MediaStorage, MediaUrls, ProcessingOutcome, UploadQuotas } from './ports';
import { thumbnailViews } from './uploads';
import { exceedsPixelLimit, maxInputPixels, orientedDimensions } from './thumbnail-sizes';

export interface UploadedObject {
  key: string;
  /** From the S3 event; HeadObject's when the event has none. */
  eTag: string | undefined;
}

export interface ProcessingDeps {
  media: MediaRepository;
  storage: MediaStorage;
  urls: MediaUrls;
  images: ImageProcessor;
  events: MediaEvents;
  quotas: Pick<UploadQuotas, 'releasePendingSlot'>;
  clock: Clock;
  log: Logger;
  /** UploadsProcessed or UploadsFailed, and UploadProcessingTime, once per upload this run completes. */
  metrics: Metrics;
  /** A monotonic clock in milliseconds (performance.now), for the processing time. */
  nowMs(): number;
}

export type ProcessResult = 'ready' | 'failed' | 'duplicate' | 'ignored';

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

/** One event per upload version: consumers drop repeats of the same id. */
export function mediaProcessedEventId(key: string, etag: string): string {
  return `media.processed:${key}:${etag}`;
}

/** Tells other services how processing ended, after removing what a refused upload left in the bucket. */
async function finish(record: MediaRecord, upload: ParsedMediaKey, etag: string, deps: ProcessingDeps): Promise<void> {
  // Processed, ready or failed: the upload no longer counts as pending against its owner's quota.
  if (record.pendingSlot !== undefined) await deps.quotas.releasePendingSlot({ userId: record.ownerId, slot: record.pendingSlot, mediaKey: record.key });
  if (record.status === 'failed') {
    // Nothing will read a refused original again, nor thumbnails of an earlier version of it.
    await deps.storage.remove([record.key]);
    await deps.storage.removePrefix(thumbnailPrefix(upload));
  } else {
    // Tagged for the lifecycle rule: referenced if a note already uses the key, else it expires unless one does soon.
    await syncOriginalTag(record.ownerId, record.key, deps);
  }
  const status = record.status === 'ready' ? 'ready' : 'failed';
  await deps.events.mediaProcessed(
    { key: record.key, ownerId: record.ownerId, status, thumbnails: status === 'ready' ? await thumbnailViews(record, deps.urls) : null },
    mediaProcessedEventId(record.key, etag),
  );
  await deps.media.markPublished(record.ownerId, record.key, etag);
}

/** Why the upload can never become thumbnails, or the rendered thumbnails' outcome. */
async function evaluate(upload: ParsedMediaKey, record: MediaRecord, deps: ProcessingDeps): Promise<{ outcome: ProcessingOutcome; written: string[] }> {
  const fail = (reason: string) => ({ outcome: { status: 'failed', reason } as const, written: [] });
  const stored = await deps.storage.head(record.key);
  if (!stored) return fail('upload disappeared');
  // S3 enforces the signed length and type on real uploads; the local emulator does not check signatures.
  if (stored.size !== record.size) return fail(`size ${stored.size} differs from the declared ${record.size}`);
  if (stored.contentType !== record.contentType) return fail(`content type ${stored.contentType ?? 'none'} differs from the declared ${record.contentType}`);

  const bytes = await deps.storage.read(record.key);
  if (bytes.byteLength !== record.size) return fail(`read ${bytes.byteLength} bytes, ${record.size} declared`);
  const expected = formatOfContentType[record.contentType];
  const actual = detectImageFormat(bytes.subarray(0, formatSignatureBytes));
  if (actual !== expected) return fail(`content is ${actual ?? 'not an image of an allowed type'}, declared ${expected}`);

  let rendered;
  try {
    const info = await deps.images.inspect(bytes);
    if (info.format !== expected) return fail(`decoder sees ${info.format}, declared ${expected}`);
    if (exceedsPixelLimit(info)) return fail(`${info.width}x${info.height} exceeds ${maxInputPixels / 1_000_000} megapixels`);
    rendered = { info, thumbnails: await deps.images.render(bytes, info) };
  } catch (err) {
    if (err instanceof ImageRejectedError) return fail(err.message);
    throw err;
  }

  const written: string[] = [];
  const thumbnails = {} as StoredThumbnails;
  try {
    for (const thumbnail of rendered.thumbnails) {
      const key = thumbnailKey(upload, thumbnail.size, thumbnail.extension);
      written.push(key);
      await deps.storage.write(key, thumbnail.body, thumbnail.contentType);
      thumbnails[thumbnail.size] = { key, width: thumbnail.width, height: thumbnail.height };
    }
  } catch (err) {
    // No partial set stays behind; the retry renders all three again.
    await deps.storage.remove(written).catch((cleanupErr: unknown) => deps.log.warn('Could not remove partial thumbnails', { cleanupErr, written }));
    throw err;
  }
  const { width, height } = orientedDimensions(rendered.info, rendered.info.orientation);
  return { outcome: { status: 'ready', width, height, thumbnails }, written };
}

export async function processUpload(object: UploadedObject, deps: ProcessingDeps): Promise<ProcessResult> {
  const log = deps.log.child({ key: object.key });
  const upload = parseMediaKey(object.key);
  // Presigned URLs exist only for signed keys; anything else in uploads/ was not put there by this API.
  if (!upload || !verifyMediaKey(object.key, upload.userId)) {
    log.warn('Removing an upload whose key this service did not issue');
    await deps.storage.remove([object.key]);
    return 'ignored';
  }
  const record = await deps.media.get(upload.userId, object.key);
  if (!record) {
    // The owner was deleted (or the record expired) before the upload arrived.
    log.info('Removing an upload without a media record');
    await deps.storage.remove([object.key]);
    return 'ignored';
  }
  // The upload is the work of the request that created its record: its lines and its media.processed event name it.
  if (record.correlationId === undefined) return processRecorded(object, upload, record, { ...deps, log });
  const requestId = record.correlationId;
  return withCorrelationId(requestId, () => processRecorded(object, upload, record, { ...deps, log: log.child({ correlationId: requestId }) }));
}

async function processRecorded(object: UploadedObject, upload: ParsedMediaKey, record: MediaRecord, deps: ProcessingDeps): Promise<ProcessResult> {
  const { log } = deps;

  let etag = object.eTag ? unquote(object.eTag) : undefined;
  if (etag === undefined) {
    const stored = await deps.storage.head(object.key);
    if (!stored) return 'ignored';
    etag = stored.etag;
  }
  if (record.processedEtag === etag) {
    // A repeated event: finish what an interrupted run may have left (the event), nothing else.
    if (record.publishedEtag !== etag) await finish(record, upload, etag, deps);
    return 'duplicate';
  }

  const started = deps.nowMs();
  const { outcome, written } = await evaluate(upload, record, deps);
  const processingMs = deps.nowMs() - started;
  const now = deps.clock.now().toISOString();
  const completion = await deps.media.complete(record.ownerId, record.key, etag, outcome, now);
  if (completion === 'missing') {
    // The owner was deleted while we worked: leave nothing behind.
    await deps.storage.remove([...written, record.key]);
    return 'ignored';
  }
  if (completion === 'already-processed') return 'duplicate';

  // One line per upload processed, naming the request that created it (npm run logs -- --request-id).
  if (outcome.status === 'failed') log.info('Upload refused', { reason: outcome.reason, processingMs });
  else log.info('Upload processed', { width: outcome.width, height: outcome.height, processingMs });
  deps.metrics.count(outcome.status === 'ready' ? 'UploadsProcessed' : 'UploadsFailed');
  deps.metrics.duration('UploadProcessingTime', processingMs);
  const completed: MediaRecord =
    outcome.status === 'ready'
      ? { ...record, status: 'ready', width: outcome.width, height: outcome.height, thumbnails: outcome.thumbnails, updatedAt: now, processedEtag: etag }
      : { ...record, status: 'failed', width: undefined, height: undefined, thumbnails: undefined, failureReason: outcome.reason, updatedAt: now, processedEtag: etag };
  await finish(completed, upload, etag, deps);
  return outcome.status;
}
