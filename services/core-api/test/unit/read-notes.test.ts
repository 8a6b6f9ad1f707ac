import { getNote, listNotes, syncChanges } from '../../src/domain/read-notes';
import { owner, sharee, storedNote, stranger, testDeps, thrownBy } from './support/notes-deps';

describe('getNote', () => {
  it('shows a private note to its owner and sharees only', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);

    // Act
    const forOwner = await getNote(note.id, owner, deps);
    const forSharee = await getNote(note.id, sharee, deps);
    const forStranger = await thrownBy(() => getNote(note.id, stranger, deps));

    // Assess
    expect(forOwner).toMatchObject({ id: note.id, title: note.title });
    expect(forOwner).not.toHaveProperty('createHash');
    expect(forSharee).toEqual(forOwner);
    expect(forStranger).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('shows a public note to everyone', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ visibility: 'public', sharedWith: [] });
    repo.seed(note);

    // Act
    const forStranger = await getNote(note.id, stranger, deps);

    // Assess
    expect(forStranger.id).toBe(note.id);
  });

  it('finds an id in any letter case and answers 404 for a malformed one', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);

    // Act
    const upper = await getNote(note.id.toUpperCase(), owner, deps);
    const malformed = await thrownBy(() => getNote('../etc', owner, deps));

    // Assess
    expect(upper.id).toBe(note.id);
    expect(malformed).toMatchObject({ status: 404 });
  });
});

describe('listNotes', () => {
  it('lists own notes or notes shared with the caller, newest first', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const older = storedNote({ createdAt: '2026-11-01T00:00:00.000Z' });
    const newer = storedNote({ createdAt: '2026-11-02T00:00:00.000Z' });
    const notShared = storedNote({ sharedWith: [] });
    [older, newer, notShared].forEach((note) => repo.seed(note));

    // Act
    const own = await listNotes({ scope: 'own', limit: 20, cursor: undefined }, owner, deps);
    const shared = await listNotes({ scope: 'shared', limit: 20, cursor: undefined }, sharee, deps);

    // Assess
    expect(own.items.map((note) => note.id)).toEqual([notShared.id, newer.id, older.id]);
    expect(shared.items.map((note) => note.id)).toEqual([newer.id, older.id]);
  });
});

describe('syncChanges', () => {
  it('reads the caller feed after the cursor', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    repo.seed(storedNote());
    const first = await syncChanges({ scope: 'own' }, owner, deps);
    const second = storedNote();
    repo.seed(second);

    // Act
    const next = await syncChanges({ scope: 'own', cursor: first.cursor }, owner, deps);

    // Assess
    expect(first.changes).toHaveLength(1);
    expect(next.changes).toEqual([{ op: 'upsert', note: expect.objectContaining({ id: second.id }) }]);
    expect(await syncChanges({ scope: 'own' }, stranger, deps)).toMatchObject({ changes: [], hasMore: false });
  });

  it('reads the shared feed or both feeds in one order, each with cursors of its own scope', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const mine = storedNote({ ownerId: sharee.userId, sharedWith: [] });
    const theirs = storedNote();
    repo.seed(mine);
    await repo.shared.record({ userId: sharee.userId, noteId: theirs.id, version: theirs.version, deleted: false, change: { op: 'upsert', note: theirs } });

    // Act
    const shared = await syncChanges({ scope: 'shared' }, sharee, deps);
    const all = await syncChanges({ scope: 'all' }, sharee, deps);
    const crossed = await thrownBy(() => syncChanges({ scope: 'all', cursor: shared.cursor }, sharee, deps));

    // Assess
    expect(shared.changes).toEqual([{ op: 'upsert', note: expect.objectContaining({ id: theirs.id }) }]);
    expect(all.changes.map((change) => (change.op === 'upsert' ? change.note.id : change.id))).toEqual([mine.id, theirs.id]);
    expect(crossed).toMatchObject({ status: 400 });
  });
});
