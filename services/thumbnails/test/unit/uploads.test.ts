import { parseMediaKey, signMediaKey, verifyMediaKey } from '@photonotes/shared/media-keys';
import { NotFoundError } from '@photonotes/shared/errors';
import { createUpload, getMedia } from '../../src/domain/uploads';
import { FakeMediaRepository, FakeUploadQuotas, fakeUrls, fixedClock, generousQuotaPolicy } from '../support/fakes';

process.env.MEDIA_KEY_SECRET = 'unit-test-media-key-secret';

function setup() {
  const media = new FakeMediaRepository();
  const quotas = new FakeUploadQuotas();
  return { media, quotas, deps: { media, urls: fakeUrls, quotas, quotaPolicy: generousQuotaPolicy, clock: fixedClock('2026-11-28T09:00:00.000Z') } };
}

describe('createUpload', () => {
  it('issues a signed key of the caller, a pending record and a 15 minute upload URL', async () => {
    // Prepare
    const { media, deps } = setup();

    // Act
    const ticket = await createUpload({ contentType: 'image/png', size: 2048 }, 'user-1', deps);

    // Assess
    expect(parseMediaKey(ticket.key)).toMatchObject({ userId: 'user-1', extension: 'png' });
    expect(verifyMediaKey(ticket.key, 'user-1')).toBe(true);
    expect(ticket).toEqual({
      key: ticket.key,
      uploadUrl: `https://storage.test/${ticket.key}?type=image%2Fpng&size=2048&ttl=900`,
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
      expiresAt: '2026-11-28T09:15:00.000Z',
    });
    expect(media.records.get(ticket.key)).toEqual({
      key: ticket.key,
      ownerId: 'user-1',
      status: 'pending',
      contentType: 'image/png',
      size: 2048,
      createdAt: '2026-11-28T09:00:00.000Z',
      updatedAt: '2026-11-28T09:00:00.000Z',
      pendingSlot: expect.any(Number),
    });
  });
});

describe('getMedia', () => {
  it('shows the uploader a pending upload without dimensions or thumbnails', async () => {
    // Prepare
    const { deps } = setup();
    const { key } = await createUpload({ contentType: 'image/jpeg', size: 10 }, 'user-1', deps);

    // Act
    const view = await getMedia(key, 'user-1', deps);

    // Assess
    expect(view).toEqual({ key, status: 'pending', contentType: 'image/jpeg', width: null, height: null, thumbnails: null });
  });

  it('shows a ready upload with absolute thumbnail URLs', async () => {
    // Prepare
    const { media, deps } = setup();
    const { key } = await createUpload({ contentType: 'image/jpeg', size: 10 }, 'user-1', deps);
    const thumb = (size: string, width: number, height: number) => ({ key: `thumbs/user-1/x/${size}.webp`, width, height });
    await media.complete('user-1', key, 'etag-1', { status: 'ready', width: 3000, height: 4000, thumbnails: { small: thumb('small', 96, 128), medium: thumb('medium', 384, 512), large: thumb('large', 768, 1024) } }, 'now');

    // Act
    const view = await getMedia(key, 'user-1', deps);

    // Assess
    expect(view).toEqual({
      key,
      status: 'ready',
      contentType: 'image/jpeg',
      width: 3000,
      height: 4000,
      thumbnails: {
        small: { url: 'https://cdn.test/thumbs/user-1/x/small.webp', width: 96, height: 128 },
        medium: { url: 'https://cdn.test/thumbs/user-1/x/medium.webp', width: 384, height: 512 },
        large: { url: 'https://cdn.test/thumbs/user-1/x/large.webp', width: 768, height: 1024 },
      },
    });
  });

  it('hides an upload from everyone but its uploader', async () => {
    // Prepare
    const { deps } = setup();
    const { key } = await createUpload({ contentType: 'image/jpeg', size: 10 }, 'user-1', deps);

    // Act / Assess
    await expect(getMedia(key, 'user-2', deps)).rejects.toThrow(NotFoundError);
  });

  it.each([
    ['a forged signature', (key: string) => key.replace(/-[A-Za-z0-9_-]{16}\.jpg$/, '-AAAAAAAAAAAAAAAA.jpg')],
    ['a malformed key', () => 'uploads/user-1/not-a-key.jpg'],
    ['a thumbnail key', (key: string) => key.replace('uploads/', 'thumbs/')],
  ])('answers 404 for %s', async (_name, alter) => {
    // Prepare
    const { deps } = setup();
    const { key } = await createUpload({ contentType: 'image/jpeg', size: 10 }, 'user-1', deps);

    // Act / Assess
    await expect(getMedia(alter(key), 'user-1', deps)).rejects.toThrow(NotFoundError);
  });

  it('answers 404 for a validly signed key without a record', async () => {
    // Prepare
    const { deps } = setup();

    // Act / Assess
    await expect(getMedia(signMediaKey('user-1', 'image/webp'), 'user-1', deps)).rejects.toThrow(NotFoundError);
  });
});
