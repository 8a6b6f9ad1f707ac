// The product metrics of notes (shared/src/metrics.ts): counted once a write is stored, never for replays,
// refusals or patches that change nothing.
import { createNote } from '../../src/domain/create-note';
import { deleteNote } from '../../src/domain/delete-note';
import { updateNote } from '../../src/domain/update-note';
import { owner, sharee, storedNote, stranger, testDeps, thrownBy } from './support/notes-deps';

describe('notes metrics', () => {
  it('counts a created note and the users it is shared with', async () => {
    // Prepare
    const { deps, metrics } = testDeps();

    // Act
    await createNote({ title: 'Trip', sharedWith: [sharee.userId, stranger.userId] }, owner, deps);

    // Assess
    expect(metrics.recorded).toEqual([
      { name: 'NotesCreated', unit: 'Count', value: 1 },
      { name: 'NoteShares', unit: 'Count', value: 2 },
    ]);
  });

  it('counts nothing for a replayed create', async () => {
    // Prepare
    const { deps, metrics } = testDeps();
    const input = { id: '6f1c1e4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f', title: 'Offline' };
    await createNote(input, owner, deps);
    metrics.recorded.length = 0;

    // Act
    await createNote(input, owner, deps);

    // Assess
    expect(metrics.recorded).toEqual([]);
  });

  it('counts an update and only the sharees it adds', async () => {
    // Prepare
    const { deps, repo, metrics } = testDeps();
    const note = storedNote({ sharedWith: [sharee.userId] });
    repo.seed(note);

    // Act
    await updateNote({ id: note.id, patch: { sharedWith: [sharee.userId, stranger.userId] }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(metrics.total('NotesUpdated')).toBe(1);
    expect(metrics.total('NoteShares')).toBe(1);
  });

  it('counts nothing for a patch that changes nothing, or one that is refused', async () => {
    // Prepare
    const { deps, repo, metrics } = testDeps();
    const note = storedNote();
    repo.seed(note);

    // Act
    await updateNote({ id: note.id, patch: { title: note.title }, expectedVersion: undefined }, owner, deps);
    const refused = await thrownBy(() => updateNote({ id: note.id, patch: { title: 'x' }, expectedVersion: undefined }, stranger, deps));

    // Assess
    expect(refused).toMatchObject({ status: 404 });
    expect(metrics.recorded).toEqual([]);
  });

  it('counts a deleted note', async () => {
    // Prepare
    const { deps, repo, metrics } = testDeps();
    const note = storedNote();
    repo.seed(note);

    // Act
    await deleteNote({ id: note.id, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(metrics.recorded).toEqual([{ name: 'NotesDeleted', unit: 'Count', value: 1 }]);
  });
});
