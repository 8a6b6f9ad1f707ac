import { deleteAccountData } from '../../src/domain/delete-account-data';
import { owner, sharee, storedNote, testDeps } from './support/notes-deps';

describe('deleteAccountData', () => {
  it('deletes the account notes, takes it out of notes shared with it, and purges its feed', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const own = [storedNote(), storedNote({ sharedWith: [] })];
    own.forEach((note) => repo.seed(note));
    const othersNote = storedNote({ ownerId: 'someone-else', sharedWith: [owner.userId, sharee.userId], version: 2 });
    repo.seed(othersNote);

    // Act
    await deleteAccountData(owner.userId, deps);

    // Assess
    for (const note of own) expect(await repo.getNote(note.id)).toBeUndefined();
    expect(await repo.getNote(othersNote.id)).toMatchObject({ sharedWith: [sharee.userId], version: 3 });
    expect(repo.purged).toEqual([owner.userId]);
    expect(repo.feeds.has(owner.userId)).toBe(false);
  });

  it('keeps finding a note created while it ran: the next run (the sweep) removes it', async () => {
    // Prepare: a create that passed the auth chain just before the revocation lands while the notes are removed.
    const { deps, repo } = testDeps();
    repo.seed(storedNote());
    const racing = storedNote({ title: 'Raced in' });
    repo.beforeNextWrite = () => repo.seed(racing);
    await deleteAccountData(owner.userId, deps);
    const afterFirstRun = await repo.getNote(racing.id);

    // Act
    await deleteAccountData(owner.userId, deps);

    // Assess
    expect(afterFirstRun).toBeDefined();
    expect(repo.notes.size).toBe(0);
    expect(repo.feeds.has(owner.userId)).toBe(false);
  });

  it('can run again after it already ran', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    repo.seed(storedNote());
    await deleteAccountData(owner.userId, deps);

    // Act
    await deleteAccountData(owner.userId, deps);

    // Assess
    expect(repo.notes.size).toBe(0);
  });

  it('drops each removed note from the feed at once, so a repeated run reads only what is left', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    repo.seed(storedNote());
    repo.seed(storedNote());
    const purge = repo.purgeAccount.bind(repo);
    repo.purgeAccount = async () => {
      throw new Error('interrupted before the purge');
    };

    // Act
    const failed = deleteAccountData(owner.userId, deps);
    await expect(failed).rejects.toThrow('interrupted');
    const left = [];
    for await (const id of repo.ownNoteIds(owner.userId)) left.push(id);
    repo.purgeAccount = purge;
    await deleteAccountData(owner.userId, deps);

    // Assess
    expect(left).toEqual([]);
    expect(repo.feeds.has(owner.userId)).toBe(false);
  });

  it('lets the removals it started finish before it reports that reading failed', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);
    repo.ownNoteIds = async function* () {
      yield note.id;
      throw new Error('read failed');
    };

    // Act
    const outcome = deleteAccountData(owner.userId, deps);

    // Assess
    await expect(outcome).rejects.toThrow('read failed');
    expect(repo.notes.has(note.id)).toBe(false);
  });

  it('tries a removal again when it lost a race that is not about the note', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    repo.seed(storedNote());
    repo.conflictingWrites = 1;

    // Act
    await deleteAccountData(owner.userId, deps);

    // Assess
    expect(repo.notes.size).toBe(0);
  });

  it('purges the account’s shared feed and closes it, so a change handled later writes nothing there', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const othersNote = storedNote({ ownerId: 'someone-else', sharedWith: [owner.userId] });
    const change = { userId: owner.userId, noteId: othersNote.id, version: 1, deleted: false, change: { op: 'upsert' as const, note: othersNote } };
    await repo.shared.record(change);

    // Act
    await deleteAccountData(owner.userId, deps);
    const late = await repo.shared.record({ ...change, version: 2, deleted: true, change: { op: 'delete', id: othersNote.id, deletedAt: '2026-11-28T10:00:00.000Z' } });

    // Assess
    expect(late).toBe('closed');
    expect(repo.shared.feeds.has(owner.userId)).toBe(false);
    expect((await repo.changesSince(owner.userId, 'shared', undefined, 500)).changes).toEqual([]);
  });
});
