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
});
