import { deleteNote } from '../../src/domain/delete-note';
import { getNote } from '../../src/domain/read-notes';
import { owner, sharee, storedNote, stranger, testDeps, thrownBy } from './support/notes-deps';

describe('deleteNote', () => {
  it('removes the note and leaves a delete in the owner feed', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);

    // Act
    await deleteNote({ id: note.id, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(await thrownBy(() => getNote(note.id, owner, deps))).toMatchObject({ status: 404 });
    expect(repo.feedOf(owner.userId)).toEqual([{ op: 'delete', id: note.id, deletedAt: '2026-11-28T09:00:00.000Z' }]);
  });

  it('answers 403 to a sharee, 404 to a stranger and for unknown ids', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);

    // Act
    const bySharee = await thrownBy(() => deleteNote({ id: note.id, expectedVersion: undefined }, sharee, deps));
    const byStranger = await thrownBy(() => deleteNote({ id: note.id, expectedVersion: undefined }, stranger, deps));
    const unknown = await thrownBy(() => deleteNote({ id: '30000000-0000-4000-8000-000000000000', expectedVersion: undefined }, owner, deps));

    // Assess
    expect(bySharee).toMatchObject({ status: 403 });
    expect(byStranger).toMatchObject({ status: 404 });
    expect(unknown).toMatchObject({ status: 404 });
    expect(await repo.getNote(note.id)).toBeDefined();
  });

  it('answers a stale If-Match with 412 and keeps the note', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ version: 4 });
    repo.seed(note);

    // Act
    const err = await thrownBy(() => deleteNote({ id: note.id, expectedVersion: 3 }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 412, details: [{ current: expect.objectContaining({ version: 4 }) }] });
    expect(await repo.getNote(note.id)).toBeDefined();
  });

  it('answers 412 when the note changes between read and delete under If-Match', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ version: 4 });
    repo.seed(note);
    repo.beforeNextWrite = () => repo.seed({ ...note, version: 5 });

    // Act
    const err = await thrownBy(() => deleteNote({ id: note.id, expectedVersion: 4 }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 412, details: [{ current: expect.objectContaining({ version: 5 }) }] });
  });

  it('tries again when the delete lost a race that is not about the note', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote();
    repo.seed(note);
    repo.conflictingWrites = 1;

    // Act
    await deleteNote({ id: note.id, expectedVersion: note.version }, owner, deps);

    // Assess
    expect(await repo.getNote(note.id)).toBeUndefined();
  });
});
