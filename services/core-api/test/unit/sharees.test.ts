// Real sharees (API.md, Notes): a newly added id must be a known user, ids already on the note are not checked
// again, a replayed create is recognised first, the owner's own id is ignored, and the sharee list is shown only to
// the owner and the users in it. The projection itself (sign-ups and deletions) is the fake's and the adapter's.
import { createNote } from '../../src/domain/create-note';
import { deleteAccountData } from '../../src/domain/delete-account-data';
import { getNote } from '../../src/domain/read-notes';
import { updateNote } from '../../src/domain/update-note';
import { owner, sharee, storedNote, stranger, testDeps, thrownBy } from './support/notes-deps';

const clientId = '6f1c1e4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f';
const unknownIds = (count: number) => Array.from({ length: count }, (_, i) => `00000000-dead-4bad-8bad-${String(i).padStart(12, '0')}`);

describe('sharees of a new note', () => {
  it('refuses 50 unknown ids with one look-up, a 400 naming each at its place, and writes nothing', async () => {
    // Prepare
    const { deps, repo, users } = testDeps();
    const ids = unknownIds(50);

    // Act
    const err = await thrownBy(() => createNote({ title: 'Phishing', sharedWith: ids }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((err as { details: unknown[] }).details).toEqual(
      ids.map((id, index) => ({ location: 'body', path: `sharedWith.${index}`, message: `no user has the id ${id}`, code: 'unknown_user', value: id })),
    );
    expect(users.lookups).toEqual([ids]);
    expect(repo.writes).toBe(0);
    expect(repo.notes.size).toBe(0);
  });

  it('names only the unknown ids, each once, at its first place in the request', async () => {
    // Prepare
    const { deps, users } = testDeps();
    const [ghost] = unknownIds(1) as [string];

    // Act
    const err = await thrownBy(() => createNote({ title: 'Mixed', sharedWith: [sharee.userId, ghost, ghost] }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 400, details: [{ path: 'sharedWith.1', code: 'unknown_user', value: ghost }] });
    expect(users.lookups).toEqual([[sharee.userId, ghost]]);
  });

  it('creates a note shared with known users, ignoring the owner, and asks nothing when no one else is named', async () => {
    // Prepare
    const { deps, users } = testDeps();

    // Act
    const shared = await createNote({ title: 'Shared', sharedWith: [owner.userId, sharee.userId] }, owner, deps);
    const ownOnly = await createNote({ title: 'Mine', sharedWith: [owner.userId] }, owner, deps);
    const plain = await createNote({ title: 'Plain' }, owner, deps);

    // Assess
    expect(shared).toMatchObject({ created: true, note: { sharedWith: [sharee.userId] } });
    expect(ownOnly.note.sharedWith).toEqual([]);
    expect(plain.note.sharedWith).toEqual([]);
    expect(users.lookups).toEqual([[sharee.userId]]);
  });

  it('treats a deleted account as unknown, even when its sign-up is announced again later', async () => {
    // Prepare
    const { deps, users } = testDeps();
    await users.recordDeleted(sharee.userId, '2026-11-28T08:00:00.000Z');
    const announcedAgain = await users.recordSignedUp(sharee.userId, '2026-11-01T00:00:00.000Z');

    // Act
    const err = await thrownBy(() => createNote({ title: 'Too late', sharedWith: [sharee.userId] }, owner, deps));

    // Assess
    expect(announcedAgain).toBe(false);
    expect(err).toMatchObject({ status: 400, details: [{ path: 'sharedWith.0', value: sharee.userId }] });
  });

  it('recognises a replayed create before the check: the stored note, though its sharee has left since', async () => {
    // Prepare
    const { deps, repo, users } = testDeps();
    const input = { id: clientId, title: 'Offline', sharedWith: [sharee.userId] };
    const first = await createNote(input, owner, deps);
    await users.recordDeleted(sharee.userId, '2026-11-28T08:30:00.000Z');
    const writes = repo.writes;

    // Act
    const replay = await createNote(input, owner, deps);
    const otherPayload = await thrownBy(() => createNote({ ...input, title: 'Changed' }, owner, deps));
    const otherUser = await thrownBy(() => createNote(input, stranger, deps));

    // Assess
    expect(replay).toEqual({ created: false, note: first.note });
    expect(otherPayload).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(otherUser).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(repo.writes).toBe(writes);
  });

  it('refuses an unknown sharee on a client-chosen id that names no note yet', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const [ghost] = unknownIds(1) as [string];

    // Act
    const err = await thrownBy(() => createNote({ id: clientId, title: 'Offline', sharedWith: [ghost] }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 400, details: [{ value: ghost }] });
    expect(await repo.getNote(clientId)).toBeUndefined();
  });
});

describe('sharees added by PATCH', () => {
  it('checks only the ids the note did not have, so a sharee who left since does not block an edit', async () => {
    // Prepare
    const { deps, repo, users } = testDeps();
    const note = storedNote({ sharedWith: [sharee.userId] });
    repo.seed(note);
    await users.recordDeleted(sharee.userId, '2026-11-28T08:00:00.000Z');

    // Act
    const retitled = await updateNote({ id: note.id, patch: { title: 'Renamed' }, expectedVersion: undefined }, owner, deps);
    const widened = await updateNote({ id: note.id, patch: { sharedWith: [sharee.userId, stranger.userId, owner.userId] }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(retitled.title).toBe('Renamed');
    expect(widened.sharedWith).toEqual([sharee.userId, stranger.userId]);
    expect(users.lookups).toEqual([[stranger.userId]]);
  });

  it('refuses an unknown id with a 400 naming it at its place in the patch, and leaves the note as it was', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ sharedWith: [sharee.userId] });
    repo.seed(note);
    const [ghost] = unknownIds(1) as [string];

    // Act
    const err = await thrownBy(() => updateNote({ id: note.id, patch: { title: 'New', sharedWith: [sharee.userId, ghost] }, expectedVersion: undefined }, owner, deps));

    // Assess
    expect(err).toMatchObject({ status: 400, details: [{ path: 'sharedWith.1', code: 'unknown_user', value: ghost }] });
    expect(await repo.getNote(note.id)).toEqual(note);
  });

  it('asks nothing when the patch only removes sharees or names the owner', async () => {
    // Prepare
    const { deps, repo, users } = testDeps();
    const note = storedNote({ sharedWith: [sharee.userId, stranger.userId] });
    repo.seed(note);

    // Act
    const narrowed = await updateNote({ id: note.id, patch: { sharedWith: [stranger.userId, owner.userId] }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(narrowed.sharedWith).toEqual([stranger.userId]);
    expect(users.lookups).toEqual([]);
  });

  it('does not ask again for a sharee it found when a lost race makes it retry', async () => {
    // Prepare
    const { deps, repo, users } = testDeps();
    const note = storedNote({ sharedWith: [] });
    repo.seed(note);
    repo.conflictingWrites = 2;

    // Act
    const updated = await updateNote({ id: note.id, patch: { sharedWith: [sharee.userId] }, expectedVersion: undefined }, owner, deps);

    // Assess
    expect(updated.sharedWith).toEqual([sharee.userId]);
    expect(repo.conflictingWrites).toBe(0);
    expect(users.lookups).toEqual([[sharee.userId]]);
  });

  it('refuses nothing to a sharee of the note: a 403 for a change, whatever it names', async () => {
    // Prepare
    const { deps, repo, users } = testDeps();
    const note = storedNote({ sharedWith: [sharee.userId] });
    repo.seed(note);

    // Act
    const err = await thrownBy(() => updateNote({ id: note.id, patch: { sharedWith: unknownIds(3) }, expectedVersion: undefined }, sharee, deps));

    // Assess
    expect(err).toMatchObject({ status: 403 });
    expect(users.lookups).toEqual([]);
  });
});

describe('who sees sharedWith', () => {
  it('shows the list to the owner and to the users in it, and an empty one to any other reader of a public note', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const note = storedNote({ visibility: 'public', sharedWith: [sharee.userId, 'sharee-2'] });
    repo.seed(note);

    // Act
    const forOwner = await getNote(note.id, owner, deps);
    const forSharee = await getNote(note.id, sharee, deps);
    const forStranger = await getNote(note.id, stranger, deps);

    // Assess
    expect(forOwner.sharedWith).toEqual([sharee.userId, 'sharee-2']);
    expect(forSharee).toEqual(forOwner);
    expect(forStranger).toEqual({ ...forOwner, sharedWith: [] });
  });
});

describe('an account deletion', () => {
  it('makes the id unknown first, so the account cannot be added to a note again even if the cleanup fails', async () => {
    // Prepare
    const { deps, repo } = testDeps();
    const mine = storedNote({ sharedWith: [] });
    repo.seed(mine);
    jest.spyOn(repo, 'ownNoteIds').mockImplementation(() => {
      throw new Error('store unavailable');
    });

    // Act
    const cleanup = await thrownBy(() => deleteAccountData(sharee.userId, deps));
    const err = await thrownBy(() => updateNote({ id: mine.id, patch: { sharedWith: [sharee.userId] }, expectedVersion: undefined }, owner, deps));

    // Assess
    expect(cleanup).toMatchObject({ message: 'store unavailable' });
    expect(err).toMatchObject({ status: 400, details: [{ value: sharee.userId }] });
  });
});
