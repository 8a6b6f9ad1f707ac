import { applyProcessedMedia, processedMediaOf } from '../../src/domain/apply-processed-media';
import { createNote } from '../../src/domain/create-note';
import { owner, photoKeyOf, testDeps, thumbnails } from './support/notes-deps';

describe('processedMediaOf', () => {
  it('reads a ready upload with its thumbnails and uploader', () => {
    // Act
    const media = processedMediaOf({ key: 'uploads/u1/k.jpg', ownerId: 'u1', status: 'ready', thumbnails });

    // Assess
    expect(media).toEqual({ key: 'uploads/u1/k.jpg', ownerId: 'u1', status: 'ready', thumbnails });
  });

  it('drops the thumbnails of a failed upload, whatever the event says', () => {
    // Act
    const media = processedMediaOf({ key: 'uploads/u1/k.jpg', ownerId: 'u1', status: 'failed', thumbnails });

    // Assess
    expect(media).toEqual({ key: 'uploads/u1/k.jpg', ownerId: 'u1', status: 'failed', thumbnails: null });
  });
});

describe('applyProcessedMedia', () => {
  it('shows the status and thumbnails on every note using the key, as a change of each', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const key = photoKeyOf(owner.userId);
    const a = await createNote({ title: 'a', photoKey: key }, owner, deps);
    const b = await createNote({ title: 'b', photoKey: key }, owner, deps);
    const other = await createNote({ title: 'other', photoKey: photoKeyOf(owner.userId) }, owner, deps);

    // Act
    await applyProcessedMedia({ key, status: 'ready', thumbnails, ownerId: owner.userId }, deps);

    // Assess
    for (const { note } of [a, b]) {
      expect(await repo.getNote(note.id)).toMatchObject({ photo: { key, status: 'ready', thumbnails }, version: 2 });
    }
    expect(await repo.getNote(other.note.id)).toMatchObject({ photo: { status: 'pending' }, version: 1 });
    expect(repo.feedOf(owner.userId).filter((change) => change.op === 'upsert' && change.note.version === 2)).toHaveLength(2);
  });

  it('applies a repeated event once', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const key = photoKeyOf(owner.userId);
    const { note } = await createNote({ title: 'a', photoKey: key }, owner, deps);
    const event = { key, status: 'failed' as const, thumbnails: null };
    await applyProcessedMedia(event, deps);

    // Act
    await applyProcessedMedia(event, deps);

    // Assess
    expect(await repo.getNote(note.id)).toMatchObject({ photo: { key, status: 'failed', thumbnails: null }, version: 2 });
  });

  it('leaves notes that moved to another photo alone', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const key = photoKeyOf(owner.userId);
    const { note } = await createNote({ title: 'a', photoKey: key }, owner, deps);
    repo.seed({ ...(await repo.getNote(note.id))!, photo: null, version: 2 });

    // Act
    await applyProcessedMedia({ key, status: 'ready', thumbnails }, deps);

    // Assess
    expect(await repo.getNote(note.id)).toMatchObject({ photo: null, version: 2 });
  });

  it('retries when the note changes while the photo state is applied', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const key = photoKeyOf(owner.userId);
    const { note } = await createNote({ title: 'a', photoKey: key }, owner, deps);
    repo.beforeNextWrite = () => repo.seed({ ...(repo.notes.get(note.id) as NonNullable<ReturnType<typeof repo.notes.get>>), title: 'edited', version: 2 });

    // Act
    await applyProcessedMedia({ key, status: 'ready', thumbnails }, deps);

    // Assess
    expect(await repo.getNote(note.id)).toMatchObject({ title: 'edited', photo: { status: 'ready' }, version: 3 });
  });
});
