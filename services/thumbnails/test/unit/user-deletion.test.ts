import { createUpload } from '../../src/domain/uploads';
import { deleteUserMedia } from '../../src/domain/user-deletion';
import { FakeMediaRepository, FakeMediaStorage, FakeUploadQuotas, fakeUrls, fixedClock, generousQuotaPolicy, silentLogger } from '../support/fakes';

process.env.MEDIA_KEY_SECRET = 'unit-test-media-key-secret';

describe('deleteUserMedia', () => {
  it("removes the user's records, uploads and thumbnails, and nobody else's", async () => {
    // Prepare
    const media = new FakeMediaRepository();
    const storage = new FakeMediaStorage();
    const deps = { media, urls: fakeUrls, quotas: new FakeUploadQuotas(), quotaPolicy: generousQuotaPolicy, clock: fixedClock() };
    const mine = await createUpload({ contentType: 'image/jpeg', size: 3 }, 'user-1', deps);
    const theirs = await createUpload({ contentType: 'image/jpeg', size: 3 }, 'user-10', deps);
    storage.put(mine.key, 'abc', 'image/jpeg');
    storage.put('thumbs/user-1/a-b/small.webp', 'x', 'image/webp');
    storage.put(theirs.key, 'abc', 'image/jpeg');
    storage.put('thumbs/user-10/c-d/small.webp', 'x', 'image/webp');

    // Act
    await deleteUserMedia('user-1', { media, storage, log: silentLogger() });

    // Assess
    expect([...media.records.keys()]).toEqual([theirs.key]);
    expect(storage.keys()).toEqual(['thumbs/user-10/c-d/small.webp', theirs.key].sort());
  });

  it('is harmless when repeated', async () => {
    // Prepare
    const media = new FakeMediaRepository();
    const storage = new FakeMediaStorage();

    // Act / Assess
    await expect(deleteUserMedia('user-1', { media, storage, log: silentLogger() })).resolves.toBeUndefined();
    await expect(deleteUserMedia('user-1', { media, storage, log: silentLogger() })).resolves.toBeUndefined();
  });
});
