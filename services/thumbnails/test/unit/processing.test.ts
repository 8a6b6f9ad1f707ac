import { withInvocationCorrelationId } from '@photonotes/shared/correlation';
import { createLogger } from '@photonotes/shared/log';
import { parseMediaKey } from '@photonotes/shared/media-keys';
import { fakeMetrics } from '@photonotes/shared/metrics';
import type { MediaContentType } from '@photonotes/shared/media-keys';
import { mediaProcessedEventId, processUpload } from '../../src/domain/processing';
import type { ProcessingDeps } from '../../src/domain/processing';
import { createUpload } from '../../src/domain/uploads';
import { FakeImageProcessor, FakeMediaEvents, FakeMediaRepository, FakeMediaStorage, FakeUploadQuotas, fakeImage, fakeUrls, fixedClock, generousQuotaPolicy, silentLogger } from '../support/fakes';

process.env.MEDIA_KEY_SECRET = 'unit-test-media-key-secret';

const owner = 'user-1';

/** A monotonic clock that moves `step` ms each time it is read. */
function steppingMs(step: number): () => number {
  let now = 0;
  return () => (now += step);
}

function setup() {
  const deps = {
    media: new FakeMediaRepository(),
    storage: new FakeMediaStorage(),
    urls: fakeUrls,
    images: new FakeImageProcessor(),
    events: new FakeMediaEvents(),
    quotas: new FakeUploadQuotas(),
    clock: fixedClock('2026-11-28T09:00:05.000Z'),
    log: silentLogger(),
    metrics: fakeMetrics(),
    nowMs: steppingMs(40),
  } satisfies ProcessingDeps;
  /** POST /media/uploads, then the app's PUT (with whatever bytes and type it sends). */
  const upload = async (body: Buffer, options: { declaredType?: MediaContentType; declaredSize?: number; sentType?: string } = {}) => {
    const declaredType = options.declaredType ?? 'image/jpeg';
    const { key } = await createUpload({ contentType: declaredType, size: options.declaredSize ?? body.byteLength }, owner, { ...deps, quotaPolicy: generousQuotaPolicy, clock: fixedClock('2026-11-28T09:00:00.000Z') });
    const object = deps.storage.put(key, body, options.sentType ?? declaredType);
    return { key, eTag: object.etag };
  };
  return { deps, upload };
}

describe('processUpload', () => {
  it('renders the thumbnail set, marks the record ready with the displayed size and publishes media.processed', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'jpeg', width: 4000, height: 3000, orientation: 6 }));
    const prefix = `thumbs/${owner}/${parseMediaKey(object.key)?.uuid}-${parseMediaKey(object.key)?.signature}/`;

    // Act
    const result = await processUpload(object, deps);

    // Assess
    expect(result).toBe('ready');
    expect(deps.storage.keys('thumbs/')).toEqual([`${prefix}large.webp`, `${prefix}medium.webp`, `${prefix}small.webp`]);
    expect(deps.media.records.get(object.key)).toMatchObject({
      status: 'ready',
      width: 3000,
      height: 4000,
      processedEtag: object.eTag,
      publishedEtag: object.eTag,
      updatedAt: '2026-11-28T09:00:05.000Z',
      thumbnails: {
        small: { key: `${prefix}small.webp`, width: 96, height: 128 },
        medium: { key: `${prefix}medium.webp`, width: 384, height: 512 },
        large: { key: `${prefix}large.webp`, width: 768, height: 1024 },
      },
    });
    expect(deps.events.published).toEqual([
      expect.objectContaining({
        id: mediaProcessedEventId(object.key, object.eTag),
        type: 'media.processed',
        data: {
          key: object.key,
          ownerId: owner,
          status: 'ready',
          thumbnails: {
            small: { url: `https://cdn.test/${prefix}small.webp`, width: 96, height: 128 },
            medium: { url: `https://cdn.test/${prefix}medium.webp`, width: 384, height: 512 },
            large: { url: `https://cdn.test/${prefix}large.webp`, width: 768, height: 1024 },
          },
        },
      }),
    ]);
    expect(deps.storage.keys('uploads/')).toEqual([object.key]);
  });

  it('does nothing for a repeated event of the same upload', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'png', width: 800, height: 600 }), { declaredType: 'image/png' });
    await processUpload(object, deps);

    // Act
    const again = await processUpload(object, deps);

    // Assess
    expect(again).toBe('duplicate');
    expect(deps.images.renders).toBe(1);
    expect(deps.events.published).toHaveLength(1);
  });

  it('publishes on the retry when publishing failed, without rendering again', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'webp', width: 800, height: 600 }), { declaredType: 'image/webp' });
    deps.events.failNext = true;
    await expect(processUpload(object, deps)).rejects.toThrow('SNS is down');
    expect(deps.media.records.get(object.key)).toMatchObject({ status: 'ready', processedEtag: object.eTag });

    // Act
    const retry = await processUpload(object, deps);

    // Assess
    expect(retry).toBe('duplicate');
    expect(deps.images.renders).toBe(1);
    expect(deps.events.published.map((e) => [e.id, e.data.status])).toEqual([[mediaProcessedEventId(object.key, object.eTag), 'ready']]);
    expect(deps.media.records.get(object.key)?.publishedEtag).toBe(object.eTag);
  });

  it.each([
    ['a text file declared as JPEG', Buffer.from('just some text, definitely not a photo'), {}, /not an image of an allowed type/],
    ['a PNG declared as JPEG', fakeImage({ format: 'png', width: 10, height: 10 }), {}, /content is png, declared jpeg/],
    ['a body shorter than declared', fakeImage({ format: 'jpeg', width: 10, height: 10 }), { declaredSize: 999_999 }, /differs from the declared 999999/],
    ['another content type than declared', fakeImage({ format: 'jpeg', width: 10, height: 10 }), { sentType: 'text/plain' }, /content type text\/plain differs/],
    ['a 45 megapixel image', fakeImage({ format: 'png', width: 7500, height: 6000 }), { declaredType: 'image/png' as const }, /exceeds 40 megapixels/],
    ['an image the decoder refuses', fakeImage({ format: 'jpeg', width: 100, height: 100, broken: true }), {}, /corrupt data/],
  ])('fails %s: no thumbnails, the original removed, media.processed says failed', async (_name, body, options, reason) => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(body, options);

    // Act
    const result = await processUpload(object, deps);

    // Assess
    expect(result).toBe('failed');
    const record = deps.media.records.get(object.key);
    expect(record).toMatchObject({ status: 'failed', processedEtag: object.eTag, publishedEtag: object.eTag });
    expect(record?.failureReason).toMatch(reason);
    expect(record?.thumbnails).toBeUndefined();
    expect(deps.storage.keys()).toEqual([]);
    expect(deps.events.published.map((e) => e.data)).toEqual([{ key: object.key, ownerId: owner, status: 'failed', thumbnails: null }]);
  });

  it('never decodes an image above the pixel limit', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'png', width: 8000, height: 5001 }), { declaredType: 'image/png' });

    // Act
    await processUpload(object, deps);

    // Assess
    expect(deps.images.renders).toBe(0);
  });

  it('leaves no partial thumbnail set when storage fails mid-way, and succeeds on the retry', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'jpeg', width: 2000, height: 1000 }));
    const upload_ = parseMediaKey(object.key);
    const medium = `thumbs/${owner}/${upload_?.uuid}-${upload_?.signature}/medium.webp`;
    deps.storage.failingWrites.add(medium);

    // Act
    await expect(processUpload(object, deps)).rejects.toThrow('S3 is down');

    // Assess
    expect(deps.storage.keys('thumbs/')).toEqual([]);
    expect(deps.media.records.get(object.key)?.status).toBe('pending');
    expect(deps.events.published).toEqual([]);

    // Act: Lambda retries once S3 is back
    deps.storage.failingWrites.clear();
    const retry = await processUpload(object, deps);

    // Assess
    expect(retry).toBe('ready');
    expect(deps.storage.keys('thumbs/')).toHaveLength(3);
    expect(deps.events.published).toHaveLength(1);
  });

  it('leaves nothing behind when the owner is deleted while the upload is processed', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'jpeg', width: 2000, height: 1000 }));
    const render = deps.images.render.bind(deps.images);
    deps.images.render = async (bytes, info) => {
      await deps.media.deleteAllOf(owner);
      return render(bytes, info);
    };

    // Act
    const result = await processUpload(object, deps);

    // Assess
    expect(result).toBe('ignored');
    expect(deps.storage.keys()).toEqual([]);
    expect(deps.events.published).toEqual([]);
  });

  it('processes a replaced upload (new ETag) again', async () => {
    // Prepare
    const { deps, upload } = setup();
    const body = fakeImage({ format: 'jpeg', width: 2000, height: 1000 });
    const first = await upload(body);
    await processUpload(first, deps);
    const replaced = deps.storage.put(first.key, body, 'image/jpeg');

    // Act
    const result = await processUpload({ key: first.key, eTag: replaced.etag }, deps);

    // Assess
    expect(result).toBe('ready');
    expect(deps.events.published.map((e) => e.id)).toEqual([mediaProcessedEventId(first.key, first.eTag), mediaProcessedEventId(first.key, replaced.etag)]);
  });

  it('removes an object whose key this service never issued', async () => {
    // Prepare
    const { deps } = setup();
    const forged = 'uploads/user-1/2b7c1f0e-3f1a-4c2d-9e8f-0a1b2c3d4e5f-AAAAAAAAAAAAAAAA.jpg';
    const object = deps.storage.put(forged, 'x', 'image/jpeg');

    // Act
    const result = await processUpload({ key: forged, eTag: object.etag }, deps);

    // Assess
    expect(result).toBe('ignored');
    expect(deps.storage.keys()).toEqual([]);
    expect(deps.events.published).toEqual([]);
  });

  it('removes an upload that arrives after its record is gone', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'jpeg', width: 20, height: 10 }));
    await deps.media.deleteAllOf(owner);

    // Act
    const result = await processUpload(object, deps);

    // Assess
    expect(result).toBe('ignored');
    expect(deps.storage.keys()).toEqual([]);
  });

  it('uses the stored ETag when the event carries none', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'jpeg', width: 20, height: 10 }));

    // Act
    await processUpload({ key: object.key, eTag: undefined }, deps);
    const again = await processUpload({ key: object.key, eTag: `"${object.eTag}"` }, deps);

    // Assess
    expect(deps.media.records.get(object.key)?.processedEtag).toBe(object.eTag);
    expect(again).toBe('duplicate');
  });

  it.each([
    ['ready', fakeImage({ format: 'jpeg', width: 800, height: 600 })],
    ['failed', Buffer.from('not an image at all')],
  ])('frees the pending-upload slot once the upload is %s', async (status, body) => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(body);
    const pendingBefore = deps.quotas.pendingOf(owner);

    // Act
    const result = await processUpload(object, deps);

    // Assess
    expect(result).toBe(status);
    expect(pendingBefore).toEqual([object.key]);
    expect(deps.quotas.pendingOf(owner)).toEqual([]);
  });
});

describe('processUpload: metrics', () => {
  it('counts a processed upload and its processing time', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(fakeImage({ format: 'jpeg', width: 2000, height: 1000 }));

    // Act
    await processUpload(object, deps);

    // Assess
    expect(deps.metrics.recorded).toEqual([
      { name: 'UploadsProcessed', unit: 'Count', value: 1 },
      { name: 'UploadProcessingTime', unit: 'Milliseconds', value: 40 },
    ]);
  });

  it('counts a refused upload as failed, and a repeated event not at all', async () => {
    // Prepare
    const { deps, upload } = setup();
    const object = await upload(Buffer.from('not an image at all'));

    // Act
    const result = await processUpload(object, deps);
    const again = await processUpload(object, deps);

    // Assess
    expect([result, again]).toEqual(['failed', 'duplicate']);
    expect(deps.metrics.total('UploadsFailed')).toBe(1);
    expect(deps.metrics.total('UploadsProcessed')).toBe(0);
    expect(deps.metrics.recorded.filter((metric) => metric.name === 'UploadProcessingTime')).toHaveLength(1);
  });
});

describe('the request behind an upload', () => {
  it('names the request that created the upload on the processing lines and the media.processed event', async () => {
    // Prepare: POST /media/uploads under its request id, then the app's PUT.
    const { deps } = setup();
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ service: 'thumbnails', level: 'info', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const body = fakeImage({ format: 'jpeg', width: 800, height: 600 });
    const { key } = await withInvocationCorrelationId('req-upload-1', () =>
      createUpload({ contentType: 'image/jpeg', size: body.byteLength }, owner, { ...deps, quotaPolicy: generousQuotaPolicy, clock: fixedClock('2026-11-28T09:00:00.000Z') }),
    );
    const object = deps.storage.put(key, body, 'image/jpeg');

    // Act
    const result = await processUpload({ key, eTag: object.etag }, { ...deps, log });

    // Assess
    expect(result).toBe('ready');
    expect(deps.events.published.map((event) => event.correlationId)).toEqual(['req-upload-1']);
    expect(lines).toContainEqual(expect.objectContaining({ message: 'Upload processed', correlationId: 'req-upload-1', key, processingMs: 40 }));
  });
});
