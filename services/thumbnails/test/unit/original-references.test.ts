import { signMediaKey } from '@photonotes/shared/media-keys';
import { noMetrics } from '@photonotes/shared/metrics';
import { forgetExpiredOriginal } from '../../src/domain/expired-originals';
import { applyNoteChange, deletedNoteMemorySeconds, syncOriginalTag } from '../../src/domain/original-references';
import type { NotePhotoChange } from '@photonotes/shared/contracts/media-events';
import { processUpload } from '../../src/domain/processing';
import { createUpload } from '../../src/domain/uploads';
import {
  FakeImageProcessor,
  FakeMediaEvents,
  FakeMediaRepository,
  FakeMediaStorage,
  FakeNoteReferences,
  FakeUploadQuotas,
  fakeImage,
  fakeUrls,
  fixedClock,
  generousQuotaPolicy,
  silentLogger,
} from '../support/fakes';

process.env.MEDIA_KEY_SECRET = 'unit-test-media-key-secret';

const owner = 'user-1';
const now = new Date('2026-11-28T09:00:00.000Z');

function setup() {
  const media = new FakeMediaRepository();
  const storage = new FakeMediaStorage();
  const references = new FakeNoteReferences(media);
  const deps = {
    media,
    storage,
    references,
    urls: fakeUrls,
    images: new FakeImageProcessor(),
    events: new FakeMediaEvents(),
    quotas: new FakeUploadQuotas(),
    quotaPolicy: generousQuotaPolicy,
    clock: fixedClock(now.toISOString()),
    log: silentLogger(),
    metrics: noMetrics,
    nowMs: () => performance.now(),
    now: () => now,
  };
  /** An upload of the owner, uploaded; processed unless told otherwise. */
  const upload = async (options: { process?: boolean } = {}) => {
    const { key } = await createUpload({ contentType: 'image/jpeg', size: fakeImage({ format: 'jpeg', width: 40, height: 30 }).byteLength }, owner, deps);
    const object = storage.put(key, fakeImage({ format: 'jpeg', width: 40, height: 30 }), 'image/jpeg');
    if (options.process !== false) expect(await processUpload({ key, eTag: object.etag }, deps)).toBe('ready');
    return { key, eTag: object.etag };
  };
  const note = (noteId: string, version: number, change: NotePhotoChange['change'], photoKey: string | null): NotePhotoChange => ({
    noteId,
    ownerId: owner,
    version,
    change,
    photoKey,
  });
  return { deps, media, storage, references, upload, note };
}

describe('tagging originals for the lifecycle rule', () => {
  it('tags a processed upload no note uses as unreferenced', async () => {
    // Prepare
    const { storage, upload } = setup();

    // Act
    const { key } = await upload();

    // Assess
    expect(storage.referencedTags.get(key)).toBe(false);
  });

  it('tags an upload a note took on before it was processed as referenced once it is', async () => {
    // Prepare
    const { deps, storage, upload, note } = setup();
    const { key, eTag } = await upload({ process: false });
    expect(await applyNoteChange(note('n1', 1, 'created', key), deps)).toBe('applied');
    expect(storage.referencedTags.has(key)).toBe(false);

    // Act
    await processUpload({ key, eTag }, deps);

    // Assess
    expect(storage.referencedTags.get(key)).toBe(true);
  });

  it('follows a note from one photo to another and to none', async () => {
    // Prepare
    const { deps, media, storage, upload, note } = setup();
    const first = await upload();
    const second = await upload();

    // Act / Assess
    await applyNoteChange(note('n1', 1, 'created', first.key), deps);
    expect([storage.referencedTags.get(first.key), storage.referencedTags.get(second.key)]).toEqual([true, false]);
    await applyNoteChange(note('n1', 2, 'updated', second.key), deps);
    expect([storage.referencedTags.get(first.key), storage.referencedTags.get(second.key)]).toEqual([false, true]);
    await applyNoteChange(note('n1', 3, 'updated', null), deps);
    expect([storage.referencedTags.get(first.key), storage.referencedTags.get(second.key)]).toEqual([false, false]);
    expect(media.records.get(second.key)?.noteIds).toBeUndefined();
  });

  it('keeps an original referenced while any note uses it, and lets it go with the last one', async () => {
    // Prepare
    const { deps, media, storage, upload, note } = setup();
    const { key } = await upload();
    await applyNoteChange(note('n1', 1, 'created', key), deps);
    await applyNoteChange(note('n2', 1, 'created', key), deps);

    // Act / Assess
    await applyNoteChange(note('n1', 1, 'deleted', key), deps);
    expect(storage.referencedTags.get(key)).toBe(true);
    expect(media.records.get(key)?.noteIds).toEqual(['n2']);
    await applyNoteChange(note('n2', 2, 'updated', null), deps);
    expect(storage.referencedTags.get(key)).toBe(false);
  });

  it('ignores an older event that arrives after a newer one', async () => {
    // Prepare
    const { deps, storage, upload, note } = setup();
    const { key } = await upload();
    await applyNoteChange(note('n1', 2, 'updated', null), deps);

    // Act
    const result = await applyNoteChange(note('n1', 1, 'created', key), deps);

    // Assess
    expect(result).toBe('stale');
    expect(storage.referencedTags.get(key)).toBe(false);
  });

  it('remembers a deleted note for a while, so a late update of it changes nothing', async () => {
    // Prepare
    const { deps, references, storage, upload, note } = setup();
    const { key } = await upload();
    await applyNoteChange(note('n1', 3, 'deleted', key), deps);

    // Act
    const late = await applyNoteChange(note('n1', 3, 'updated', key), deps);

    // Assess
    expect(late).toBe('stale');
    expect(storage.referencedTags.get(key)).toBe(false);
    expect(references.notes.get(`${owner}/n1`)?.expiresAt).toBe(Math.floor(now.getTime() / 1000) + deletedNoteMemorySeconds);
  });

  it('tags again on a repeated event, in case the first run stopped before tagging', async () => {
    // Prepare
    const { deps, storage, upload, note } = setup();
    const { key } = await upload();
    await applyNoteChange(note('n1', 1, 'created', key), deps);
    storage.referencedTags.set(key, false);

    // Act
    const result = await applyNoteChange(note('n1', 1, 'created', key), deps);

    // Assess
    expect(result).toBe('repeated');
    expect(storage.referencedTags.get(key)).toBe(true);
  });

  it("never counts another user's upload as held by this user's note", async () => {
    // Prepare
    const { deps, references, note } = setup();
    const foreign = signMediaKey('user-2', 'image/jpeg');

    // Act
    await applyNoteChange(note('n1', 1, 'created', foreign), deps);

    // Assess
    expect(references.notes.get(`${owner}/n1`)?.photoKey).toBeNull();
  });

  it('ends referenced when two notes take an upload on and one lets it go, concurrently', async () => {
    // Prepare
    const { deps, storage, upload, note } = setup();
    const { key } = await upload();
    await applyNoteChange(note('n1', 1, 'created', key), deps);

    // Act
    await Promise.all([applyNoteChange(note('n1', 2, 'updated', null), deps), applyNoteChange(note('n2', 1, 'created', key), deps)]);

    // Assess
    expect(storage.referencedTags.get(key)).toBe(true);
  });

  it('tags again when the references moved while it tagged', async () => {
    // Prepare: the first tag write is computed from references that change right after it is read.
    const { deps, storage, references, upload } = setup();
    const { key } = await upload();
    const tag = storage.tagOriginal.bind(storage);
    let interfered = false;
    storage.tagOriginal = async (k, referenced) => {
      const done = await tag(k, referenced);
      if (!interfered) {
        interfered = true;
        await references.move({ ownerId: owner, noteId: 'n9', current: undefined, next: { version: 1, deleted: false, photoKey: key }, expiresAt: undefined });
      }
      return done;
    };

    // Act
    await syncOriginalTag(owner, key, deps);

    // Assess
    expect(storage.tagWrites.filter(([k]) => k === key).map(([, referenced]) => referenced)).toEqual([false, false, true]);
    expect(storage.referencedTags.get(key)).toBe(true);
  });
});

describe('forgetExpiredOriginal', () => {
  it('removes the record and the thumbnails of an original the lifecycle rule expired', async () => {
    // Prepare
    const { deps, media, storage, upload } = setup();
    const { key } = await upload();
    await storage.remove([key]);

    // Act
    const result = await forgetExpiredOriginal(key, deps);

    // Assess
    expect(result).toBe('forgotten');
    expect(media.records.has(key)).toBe(false);
    expect(storage.keys('thumbs/')).toEqual([]);
  });

  it('keeps the record and thumbnails a note took on meanwhile', async () => {
    // Prepare
    const { deps, media, storage, upload, note } = setup();
    const { key } = await upload();
    await applyNoteChange(note('n1', 1, 'created', key), deps);
    await storage.remove([key]);

    // Act
    const result = await forgetExpiredOriginal(key, deps);

    // Assess
    expect(result).toBe('kept-for-a-note');
    expect(media.records.has(key)).toBe(true);
    expect(storage.keys('thumbs/')).toHaveLength(3);
  });

  it('ignores an object that is no upload of this service', async () => {
    // Act / Assess
    expect(await forgetExpiredOriginal('uploads/someone/else.jpg', setup().deps)).toBe('not-an-upload');
  });
});
