// Media uploads end to end: the gateway, the thumbnails service under serverless-offline, DynamoDB Local,
// s3rver (whose ObjectCreated events drive the processor) and the SNS emulator.
import { parseEvent } from '@photonotes/shared/contracts/event';
import type { EventOf } from '@photonotes/shared/contracts/event';
import { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import sharp from 'sharp';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { cameraJpeg, exifHasGps, hugeBlankPng, solidPng, topAndBottom } from '../support/images';
import { eventually, listenToTopic, listKeys, localS3, publishEvent } from '../support/local-aws';
import type { TopicListener } from '../support/local-aws';

jest.setTimeout(60_000);

interface UploadTicket {
  key: string;
  uploadUrl: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

interface Thumbnail {
  url: string;
  width: number;
  height: number;
}

interface MediaView {
  key: string;
  status: 'pending' | 'ready' | 'failed';
  contentType: string;
  width: number | null;
  height: number | null;
  thumbnails: { small: Thumbnail; medium: Thumbnail; large: Thumbnail } | null;
}

let alice: TestUser;
let bob: TestUser;
let mediaEvents: TopicListener;
const s3 = localS3();

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('alice'), createTestUser('bob')]);
  mediaEvents = await listenToTopic('media-events');
});

afterAll(async () => {
  await mediaEvents.close();
  s3.destroy();
});

async function requestUpload(user: TestUser, contentType: string, size: number) {
  return api<UploadTicket>('/media/uploads', { method: 'POST', token: user.accessToken, body: { contentType, size } });
}

/** What the app does: ask for a URL, PUT the bytes straight to storage. */
async function upload(user: TestUser, body: Buffer, contentType: string, options: { declaredSize?: number; sentType?: string } = {}): Promise<UploadTicket> {
  const ticket = await requestUpload(user, contentType, options.declaredSize ?? body.byteLength);
  expect(ticket.status).toBe(201);
  const put = await fetch(ticket.body.uploadUrl, { method: 'PUT', headers: { ...ticket.body.headers, ...(options.sentType ? { 'Content-Type': options.sentType } : {}) }, body });
  expect(put.status).toBe(200);
  return ticket.body;
}

const mediaPath = (key: string) => `/media/${key}`;

async function processed(user: TestUser, key: string): Promise<MediaView> {
  const view = await eventually(async () => {
    const res = await api<MediaView>(mediaPath(key), { token: user.accessToken });
    return res.status === 200 && res.body.status !== 'pending' ? res.body : undefined;
  });
  if (!view) throw new Error(`${key} was still pending at the deadline`);
  return view;
}

/** The media.processed of `key`, read with the contract its consumers use. */
async function eventFor(key: string): Promise<EventOf<typeof mediaProcessed>> {
  const event = await eventually(async () => mediaEvents.events.find((e) => e.type === 'media.processed' && (e.data as { key?: string }).key === key));
  if (!event) throw new Error(`no media.processed for ${key}`);
  const result = parseEvent(mediaProcessed, JSON.stringify(event));
  if (result.kind !== 'parsed') throw new Error(`media.processed for ${key} breaks its contract: ${JSON.stringify(result)}`);
  return result.value;
}

const sizesOf = (thumbnails: MediaView['thumbnails']) =>
  thumbnails && Object.fromEntries(Object.entries(thumbnails).map(([size, t]) => [size, { width: t.width, height: t.height }]));

describe('POST /media/uploads', () => {
  it('answers a presigned PUT bound to the content type and length, valid 15 minutes', async () => {
    // Act
    const before = Date.now();
    const res = await requestUpload(alice, 'image/jpeg', 12345);

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ key: expect.any(String), uploadUrl: expect.any(String), method: 'PUT', headers: { 'Content-Type': 'image/jpeg' }, expiresAt: expect.any(String) });
    expect(res.body.key).toMatch(new RegExp(`^uploads/${alice.userId}/[0-9a-f-]{36}-[A-Za-z0-9_-]{16}\\.jpg$`));
    const url = new URL(res.body.uploadUrl);
    expect(url.origin).toBe(`http://127.0.0.1:${process.env.S3_PORT}`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    const expiresIn = Date.parse(res.body.expiresAt) - before;
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    const view = await api<MediaView>(mediaPath(res.body.key), { token: alice.accessToken });
    expect(view.body).toEqual({ key: res.body.key, status: 'pending', contentType: 'image/jpeg', width: null, height: null, thumbnails: null });
  });

  it.each([
    ['a content type that is not allowed', { contentType: 'image/gif', size: 100 }],
    ['a size over 10 MiB', { contentType: 'image/jpeg', size: 10 * 1024 * 1024 + 1 }],
    ['an empty file', { contentType: 'image/png', size: 0 }],
    ['a fractional size', { contentType: 'image/png', size: 1.5 }],
    ['no size', { contentType: 'image/webp' }],
  ])('refuses %s with 400', async (_name, body) => {
    // Act
    const res = await api<ErrorBody>('/media/uploads', { method: 'POST', token: alice.accessToken, body });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', requestId: res.headers.get('x-request-id') });
  });

  it('accepts exactly 10 MiB', async () => {
    const res = await requestUpload(alice, 'image/webp', 10 * 1024 * 1024);
    expect(res.status).toBe(201);
  });

  it('requires a token', async () => {
    const res = await api<ErrorBody>('/media/uploads', { method: 'POST', body: { contentType: 'image/jpeg', size: 10 } });
    expect(res.status).toBe(401);
  });
});

describe('GET /media/{key}', () => {
  it("is 404 for another user's key, as for a key that does not exist", async () => {
    // Prepare
    const { body: ticket } = await requestUpload(alice, 'image/png', 100);

    // Act
    const asBob = await api<ErrorBody>(mediaPath(ticket.key), { token: bob.accessToken });
    const unknown = await api<ErrorBody>(mediaPath(ticket.key.replace(/[0-9a-f]{8}-/, '00000000-')), { token: alice.accessToken });

    // Assess
    expect(asBob.status).toBe(404);
    expect(asBob.body.error.code).toBe('NOT_FOUND');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('accepts the key with URL-encoded slashes', async () => {
    // Prepare
    const { body: ticket } = await requestUpload(alice, 'image/png', 100);

    // Act
    const res = await api<MediaView>(`/media/${encodeURIComponent(ticket.key)}`, { token: alice.accessToken });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.key).toBe(ticket.key);
  });
});

describe('processing an upload', () => {
  it('makes three turned, metadata-free thumbnails of a camera JPEG and publishes media.processed', async () => {
    // Prepare
    const photo = await cameraJpeg(1600, 1200);
    const original = await sharp(photo).metadata();
    expect([original.orientation, exifHasGps(original.exif)]).toEqual([6, true]);

    // Act
    const ticket = await upload(alice, photo, 'image/jpeg');
    const view = await processed(alice, ticket.key);

    // Assess: the displayed (turned) size, thumbnails on the longest side
    expect(view).toMatchObject({ key: ticket.key, status: 'ready', contentType: 'image/jpeg', width: 1200, height: 1600 });
    expect(sizesOf(view.thumbnails)).toEqual({ small: { width: 96, height: 128 }, medium: { width: 384, height: 512 }, large: { width: 768, height: 1024 } });
    for (const thumbnail of Object.values(view.thumbnails ?? {})) {
      const res = await fetch(thumbnail.url);
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const written = await sharp(bytes).metadata();
      expect({ format: written.format, width: written.width, height: written.height }).toEqual({ format: 'webp', width: thumbnail.width, height: thumbnail.height });
      expect([written.exif, written.xmp, written.orientation]).toEqual([undefined, undefined, undefined]);
      expect(bytes.includes('PhotoNotesTestCam')).toBe(false);
      // red was the left of the stored pixels: after turning it is the top
      const { top, bottom } = await topAndBottom(bytes);
      expect(top[0]).toBeGreaterThan(200);
      expect(bottom[2]).toBeGreaterThan(200);
    }
    const event = await eventFor(ticket.key);
    expect(event).toMatchObject({ type: 'media.processed', source: 'thumbnails', data: { key: ticket.key, ownerId: alice.userId, status: 'ready' } });
    expect(sizesOf(event.data.thumbnails)).toEqual(sizesOf(view.thumbnails));
    const eventThumb = await fetch(event.data.thumbnails?.small.url ?? '');
    expect(eventThumb.status).toBe(200);
    // thumbnails are written under thumbs/ and never processed themselves
    expect(await listKeys(s3, `thumbs/${alice.userId}/`)).toEqual(expect.arrayContaining([expect.stringMatching(/small\.webp$/)]));
  });

  it('never enlarges a small PNG', async () => {
    // Act
    const ticket = await upload(alice, await solidPng(300, 200), 'image/png');
    const view = await processed(alice, ticket.key);

    // Assess
    expect(view).toMatchObject({ status: 'ready', width: 300, height: 200 });
    expect(sizesOf(view.thumbnails)).toEqual({ small: { width: 128, height: 85 }, medium: { width: 300, height: 200 }, large: { width: 300, height: 200 } });
  });

  it.each([
    ['a text file declared as JPEG', async () => Buffer.from('Dear diary, this is not a photo.\n'.repeat(50)), 'image/jpeg', {}],
    ['a 45 megapixel PNG', async () => hugeBlankPng(7500, 6000), 'image/png', {}],
    ['a PNG declared as WebP', async () => solidPng(40, 40), 'image/webp', {}],
    ['a body larger than declared (the emulator does not enforce signatures)', async () => solidPng(64, 64), 'image/png', { declaredSize: 20 }],
    ['a PUT with another content type than signed', async () => solidPng(64, 64), 'image/png', { sentType: 'image/jpeg' }],
  ])('fails %s: no thumbnails, media.processed says failed', async (_name, makeBody, contentType, options) => {
    // Prepare
    const body = await makeBody();

    // Act
    const ticket = await upload(alice, body, contentType, options);
    const view = await processed(alice, ticket.key);

    // Assess
    expect(view).toEqual({ key: ticket.key, status: 'failed', contentType, width: null, height: null, thumbnails: null });
    const event = await eventFor(ticket.key);
    expect(event.data).toEqual({ key: ticket.key, ownerId: alice.userId, status: 'failed', thumbnails: null });
    expect(await listKeys(s3, ticket.key)).toEqual([]);
  });

  it('takes a repeated upload of the same bytes (same ETag) as already done', async () => {
    // Prepare
    const png = await solidPng(50, 50, '#123456');
    const ticket = await upload(alice, png, 'image/png');
    await processed(alice, ticket.key);
    await eventFor(ticket.key);

    // Act: the same PUT again fires ObjectCreated again with the same ETag
    const again = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: png });
    expect(again.status).toBe(200);
    // a later upload, whose event can only arrive after the repeat has been handled
    const later = await upload(alice, await solidPng(60, 60), 'image/png');
    await eventFor(later.key);

    // Assess
    expect(mediaEvents.events.filter((e) => (e.data as { key?: string }).key === ticket.key)).toHaveLength(1);
    expect((await api<MediaView>(mediaPath(ticket.key), { token: alice.accessToken })).body.status).toBe('ready');
  });
});

describe('user.deleted', () => {
  it("removes the user's records, uploads and thumbnails", async () => {
    // Prepare
    const carol = await createTestUser('carol');
    const done = await upload(carol, await solidPng(200, 100), 'image/png');
    await processed(carol, done.key);
    const pending = await requestUpload(carol, 'image/jpeg', 1000);
    expect(await listKeys(s3, `thumbs/${carol.userId}/`)).toHaveLength(3);

    // Act
    await publishEvent(userDeleted, { userId: carol.userId });

    // Assess
    const gone = await eventually(async () => {
      const res = await api(mediaPath(done.key), { token: carol.accessToken });
      return res.status === 404 ? res : undefined;
    });
    expect(gone?.status).toBe(404);
    expect((await api(mediaPath(pending.body.key), { token: carol.accessToken })).status).toBe(404);
    expect(await eventually(async () => ((await listKeys(s3, `uploads/${carol.userId}/`)).length === 0 ? true : undefined))).toBe(true);
    expect(await eventually(async () => ((await listKeys(s3, `thumbs/${carol.userId}/`)).length === 0 ? true : undefined))).toBe(true);
  });
});
