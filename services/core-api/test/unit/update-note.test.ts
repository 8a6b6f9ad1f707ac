import { updateNote } from '../../src/domain/update-note';
import { owner, photoKeyOf, sharee, storedNote, stranger, testDeps, thrownBy, thumbnails } from './support/notes-deps';

describe('updateNote', () => {
  it('applies the patch, adds exactly one to the version and records the change', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);

    // Act
    const updated = await updateNote({ id: note.id, patch: { title: 'Shopping', tags: ['Food', ' food'] }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(updated).toMatchObject({ title: 'Shopping', tags: ['food'], body: 'milk', version: 4, updatedAt: '2026-11-28T09:00:00.000Z', createdAt: note.createdAt });
    expect(await repo.getNote(note.id)).toMatchObject({ title: 'Shopping', version: 4 });
    expect(repo.feedOf(owner.userId)).toEqual([{ op: 'upsert', note: updated }]);
  });

  it('accepts a matching If-Match', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ version: 7 });
    repo.seed(note);

    // Act
    const updated = await updateNote({ id: note.id, patch: { body: 'eggs' }, expectedVersion: 7 }, owner, deps);

    // Assess
    expect(updated.version).toBe(8);
  });

  it('answers a stale If-Match with 412 and the current note, writing nothing', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ version: 5 });
    repo.seed(note);
    const writes = repo.writes;

    // Act
    const err = await thrownBy(() => updateNote({ id: note.id, patch: { body: 'eggs' }, expectedVersion: 4 }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED', details: [{ current: expect.objectContaining({ id: note.id, version: 5, body: 'milk' }) }] });
    expect((err as { details: [{ current: object }] }).details[0].current).not.toHaveProperty('createHash');
    expect(repo.writes).toBe(writes);
  });

  it('answers 412 with the winner when a concurrent write lands between read and write under If-Match', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ version: 2 });
    repo.seed(note);
    repo.beforeNextWrite = () => repo.seed({ ...note, title: 'Winner', version: 3 });

    // Act
    const err = await thrownBy(() => updateNote({ id: note.id, patch: { title: 'Loser' }, expectedVersion: 2 }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 412, details: [{ current: expect.objectContaining({ title: 'Winner', version: 3 }) }] });
    expect(await repo.getNote(note.id)).toMatchObject({ title: 'Winner', version: 3 });
  });

  it('retries without If-Match after losing a race, so the version still grows by one per change', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ version: 2 });
    repo.seed(note);
    repo.beforeNextWrite = () => repo.seed({ ...note, title: 'First', version: 3 });

    // Act
    const updated = await updateNote({ id: note.id, patch: { body: 'second' }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(updated).toMatchObject({ title: 'First', body: 'second', version: 4 });
  });

  it('answers 403 to users who can see the note and 404 to the rest', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const shared = storedNote();
    const publicNote = storedNote({ visibility: 'public', sharedWith: [] });
    repo.seed(shared);
    repo.seed(publicNote);
    const patch = { title: 'Mine now' };

    // Act
    const byShareeErr = await thrownBy(() => updateNote({ id: shared.id, patch, expectedVersion: undefined }, sharee, deps));
    const byStrangerOnPublic = await thrownBy(() => updateNote({ id: publicNote.id, patch, expectedVersion: undefined }, stranger, deps));
    const byStranger = await thrownBy(() => updateNote({ id: shared.id, patch, expectedVersion: undefined }, stranger, deps));
    const unknown = await thrownBy(() => updateNote({ id: '20000000-0000-4000-8000-000000000000', patch, expectedVersion: undefined }, owner, deps));
    const malformed = await thrownBy(() => updateNote({ id: 'not-a-uuid', patch, expectedVersion: undefined }, owner, deps));

    // Assess
    expect(byShareeErr).toMatchObject({ status: 403 });
    expect(byStrangerOnPublic).toMatchObject({ status: 403 });
    expect(byStranger).toMatchObject({ status: 404 });
    expect(unknown).toMatchObject({ status: 404 });
    expect(malformed).toMatchObject({ status: 404 });
    expect(await repo.getNote(shared.id)).toMatchObject({ title: shared.title, version: shared.version });
  });

  it('checks ownership before If-Match, so a stranger learns nothing from a 412', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ version: 9 });
    repo.seed(note);

    // Act
    const err = await thrownBy(() => updateNote({ id: note.id, patch: { title: 'x' }, expectedVersion: 1 }, stranger, deps));

    // Assess
    expect(err).toMatchObject({ status: 404 });
  });

  it('leaves the version alone when the patch changes nothing', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);
    const writes = repo.writes;

    // Act
    const result = await updateNote({ id: note.id, patch: { title: note.title, tags: ['HOME'] }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(result.version).toBe(note.version);
    expect(repo.writes).toBe(writes);
  });

  it('normalises sharedWith: unique, without the owner', async () => {
    // Prepare
    const { deps, repo, users } = testDeps();
    const note = storedNote();
    repo.seed(note);
    await users.recordSignedUp('a', '2026-11-01T00:00:00.000Z');
    await users.recordSignedUp('b', '2026-11-01T00:00:00.000Z');

    // Act
    const updated = await updateNote({ id: note.id, patch: { sharedWith: ['a', 'b', 'a', owner.userId] }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(updated.sharedWith).toEqual(['a', 'b']);
  });

  it('sets, keeps and removes the photo', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);
    const first = photoKeyOf(owner.userId);
    const second = photoKeyOf(owner.userId);
    await repo.recordProcessedMedia({ key: second, status: 'ready', thumbnails });

    // Act
    const withFirst = await updateNote({ id: note.id, patch: { photoKey: first }, expectedVersion: undefined }, owner, deps);
    const sameKey = await updateNote({ id: note.id, patch: { photoKey: first }, expectedVersion: undefined }, owner, deps);
    const withSecond = await updateNote({ id: note.id, patch: { photoKey: second }, expectedVersion: undefined }, owner, deps);
    const without = await updateNote({ id: note.id, patch: { photoKey: null }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(withFirst.photo).toEqual({ key: first, status: 'pending', thumbnails: null });
    expect(sameKey.version).toBe(withFirst.version);
    expect(withSecond.photo).toEqual({ key: second, status: 'ready', thumbnails });
    expect(repo.media.get(first)?.noteIds.has(note.id)).toBe(false);
    expect(without.photo).toBeNull();
    expect(repo.media.get(second)?.noteIds.has(note.id)).toBe(false);
  });

  it('refuses a photoKey issued to someone else', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);

    // Act
    const err = await thrownBy(() => updateNote({ id: note.id, patch: { photoKey: photoKeyOf(sharee.userId) }, expectedVersion: undefined }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 400, details: [expect.objectContaining({ path: 'photoKey' })] });
    expect(await repo.getNote(note.id)).toMatchObject({ photo: null, version: note.version });
  });

  it('tries again, even under If-Match, when the write lost a race that is not about the note', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ version: 2 });
    repo.seed(note);
    repo.conflictingWrites = 2;

    // Act
    const updated = await updateNote({ id: note.id, patch: { body: 'again' }, expectedVersion: 2 }, owner, deps);

    // Assess
    expect(updated).toMatchObject({ body: 'again', version: 3 });
    expect(repo.conflictingWrites).toBe(0);
    expect(repo.writes).toBe(1);
  });

  it('gives up with 409 when every attempt loses a race, once the write deadline has passed', async () => {
    // Prepare: each look at the clock finds a second gone, so the deadline comes after a few attempts.
    const { deps, repo, clock } = testDeps();
    const note = storedNote();
    repo.seed(note);
    repo.conflictingWrites = Infinity;
    deps.clock = {
      now: () => {
        clock.advance(1000);
        return clock.now;
      },
    };

    // Act
    const err = await thrownBy(() => updateNote({ id: note.id, patch: { body: 'never' }, expectedVersion: undefined }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(await repo.getNote(note.id)).toMatchObject({ body: note.body, version: note.version });
  });
});
