import { createNote } from '../../src/domain/create-note';
import { writeDeadlineMs } from '../../src/domain/write-attempts';
import { owner, photoKeyOf, sharee, storedNote, stranger, testDeps, thrownBy, thumbnails } from './support/notes-deps';

const clientId = '6f1c1e4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f';

describe('createNote', () => {
  it('creates version 1 with defaults and normalised tags and sharees', async () => {
    // Prepare
    const { deps, repo } = testDeps();

    // Act
    const result = await createNote({ title: 'Trip', tags: [' Travel', 'travel ', 'food'], sharedWith: [sharee.userId, sharee.userId, owner.userId] }, owner, deps);

    // Assess
    expect(result.created).toBe(true);
    expect(result.note).toEqual({
      id: '00000000-0000-4000-8000-000000000001',
      ownerId: owner.userId,
      title: 'Trip',
      body: '',
      tags: ['travel', 'food'],
      visibility: 'private',
      sharedWith: [sharee.userId],
      photo: null,
      version: 1,
      createdAt: '2026-11-28T09:00:00.000Z',
      updatedAt: '2026-11-28T09:00:00.000Z',
    });
    expect(repo.feedOf(owner.userId)).toEqual([{ op: 'upsert', note: result.note }]);
  });

  it('keeps a client-chosen id', async () => {
    // Prepare
    const { deps } = testDeps();

    // Act
    const result = await createNote({ id: clientId, title: 'Offline' }, owner, deps);

    // Assess
    expect(result.note.id).toBe(clientId);
  });

  it('answers a replay of the same create with the stored note and writes nothing', async () => {
    // Prepare
    const { deps, repo, clock } = testDeps();
    const input = { id: clientId, title: 'Offline', tags: ['A'], sharedWith: [sharee.userId] };
    const first = await createNote(input, owner, deps);
    clock.advance(60_000);
    const writes = repo.writes;

    // Act
    const replay = await createNote({ ...input, tags: ['a '] }, owner, deps);

    // Assess
    expect(replay).toEqual({ created: false, note: first.note });
    expect(repo.writes).toBe(writes);
  });

  it('refuses the same id with another payload, or from another user, with 409', async () => {
    // Prepare
    const { deps } = testDeps();
    await createNote({ id: clientId, title: 'Offline' }, owner, deps);

    // Act
    const changed = await thrownBy(() => createNote({ id: clientId, title: 'Offline!' }, owner, deps));
    const otherUser = await thrownBy(() => createNote({ id: clientId, title: 'Offline' }, stranger, deps));

    // Assess
    expect(changed).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(otherUser).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('refuses the id of a deleted note, so a late replay cannot resurrect it', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ id: clientId });
    repo.seed(note);
    await repo.removeNote(note, '2026-11-28T08:00:00.000Z');

    // Act
    const err = await thrownBy(() => createNote({ id: clientId, title: note.title }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 409 });
  });

  it('refuses a photoKey that was not issued to the caller, writing nothing', async () => {
    // Prepare
    const { deps, repo } = testDeps();

    // Act
    const forged = await thrownBy(() => createNote({ title: 'x', photoKey: 'uploads/owner-1/whatever.jpg' }, owner, deps));
    const someoneElses = await thrownBy(() => createNote({ title: 'x', photoKey: photoKeyOf(stranger.userId) }, owner, deps));

    // Assess
    for (const err of [forged, someoneElses]) {
      expect(err).toMatchObject({ status: 400, details: [expect.objectContaining({ path: 'photoKey', code: 'invalid_photo_key' })] });
    }
    expect(repo.writes).toBe(0);
  });

  it('starts a photo as pending while its upload is processing', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const key = photoKeyOf(owner.userId);

    // Act
    const { note } = await createNote({ title: 'Photo', photoKey: key }, owner, deps);

    // Assess
    expect(note.photo).toEqual({ key, status: 'pending', thumbnails: null });
    expect([...(repo.media.get(key)?.noteIds ?? [])]).toEqual([note.id]);
  });

  it('shows the processed state at once when processing ended before the note was created', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const key = photoKeyOf(owner.userId);
    await repo.recordProcessedMedia({ key, status: 'ready', thumbnails });

    // Act
    const { note } = await createNote({ title: 'Photo', photoKey: key }, owner, deps);

    // Assess
    expect(note.photo).toEqual({ key, status: 'ready', thumbnails });
    expect(note.version).toBe(1);
  });

  it('maps a change too large for one transaction to a 400 on sharedWith', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    repo.maxShareEntries = 1;

    // Act
    const err = await thrownBy(() => createNote({ title: 'x', sharedWith: [sharee.userId, stranger.userId] }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 400, details: [expect.objectContaining({ path: 'sharedWith' })] });
  });

  it('tries again when the write lost a race to another write of the owner', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    repo.conflictingWrites = 1;

    // Act
    const result = await createNote({ id: clientId, title: 'Busy' }, owner, deps);

    // Assess
    expect(result).toMatchObject({ created: true, note: { id: clientId, version: 1 } });
    expect(repo.writes).toBe(1);
  });

  it('keeps its place in a burst of the owner: far more lost races than any fixed budget still end in 201', async () => {
    // Prepare: 40 other writes of the owner land first (a budget of 25 attempts used to give up here).
    const { deps, repo } = testDeps();
    repo.conflictingWrites = 40;

    // Act
    const result = await createNote({ id: clientId, title: 'Backlog' }, owner, deps);

    // Assess
    expect(result).toMatchObject({ created: true, note: { id: clientId, version: 1 } });
    expect(repo.conflictingWrites).toBe(0);
    expect(repo.feedOf(owner.userId)).toHaveLength(1);
  });

  it('gives up with 409 only once the write deadline has passed', async () => {
    // Prepare: every write loses, and each look at the clock finds another second gone.
    const { deps, repo, clock } = testDeps();
    repo.conflictingWrites = Infinity;
    const started = clock.now.getTime();
    deps.clock = {
      now: () => {
        clock.advance(1000);
        return clock.now;
      },
    };

    // Act
    const err = await thrownBy(() => createNote({ id: clientId, title: 'Never' }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(clock.now.getTime() - started).toBeGreaterThanOrEqual(writeDeadlineMs);
    expect(repo.feedOf(owner.userId)).toEqual([]);
  });
});
