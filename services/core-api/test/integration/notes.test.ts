// The notes routes end to end through the gateway: creation and offline replay, visibility, edits with
// If-Match, concurrency, deletion and photo keys.
import { randomUUID } from 'node:crypto';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { createNote, deleteNote, getNote, listAll, newNote, patchNote, syncAll, uploadKeyFor } from '../support/notes-api';
import type { Note } from '../support/notes-api';

jest.setTimeout(60_000);

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([createTestUser('alice'), createTestUser('bob'), createTestUser('carol')]);
});

describe('POST /notes', () => {
  it('creates a note with a server id, normalised tags and sharees, and version 1', async () => {
    // Act
    const res = await createNote(alice, { title: 'Trip', body: 'Pack', tags: [' Travel', 'travel', 'FOOD '], sharedWith: [bob.userId, bob.userId, alice.userId] });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ownerId: alice.userId,
      title: 'Trip',
      body: 'Pack',
      tags: ['travel', 'food'],
      visibility: 'private',
      sharedWith: [bob.userId],
      photo: null,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: res.body.createdAt,
    });
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    expect(res.headers.get('etag')).toBe('"1"');
    expect((await getNote(alice, res.body.id)).body).toEqual(res.body);
  });

  it('replays a create with a client id: 200 with the stored note, and nothing else written', async () => {
    // Prepare
    const id = randomUUID();
    const body = { id, title: 'Offline', tags: ['x'] };
    const first = await createNote(alice, body);

    // Act
    const replay = await createNote(alice, body);
    const concurrentReplays = await Promise.all([createNote(alice, body), createNote(alice, body)]);

    // Assess
    expect(first.status).toBe(201);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    for (const res of concurrentReplays) expect(res).toMatchObject({ status: 200, body: first.body });
    expect((await listAll(alice)).items.filter((note) => note.id === id)).toHaveLength(1);
  });

  it('creates exactly one note when the same new id races itself', async () => {
    // Prepare
    const body = { id: randomUUID(), title: 'Race' };

    // Act
    const results = await Promise.all(Array.from({ length: 4 }, () => createNote(alice, body)));

    // Assess
    expect(results.map((res) => res.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(results.map((res) => res.body.createdAt)).size).toBe(1);
  });

  it('answers 409 for the same id with another payload, or from another user', async () => {
    // Prepare
    const id = randomUUID();
    await newNote(alice, { id, title: 'Mine' });

    // Act
    const changed = await createNote(alice, { id, title: 'Mine, edited' });
    const stolen = await createNote(bob, { id, title: 'Mine' });

    // Assess
    expect(changed.status).toBe(409);
    expect(stolen.status).toBe(409);
    expect((stolen.body as unknown as ErrorBody).error.code).toBe('CONFLICT');
    expect((await getNote(alice, id)).body).toMatchObject({ title: 'Mine', ownerId: alice.userId, version: 1 });
  });

  it('keeps a deleted note deleted when its create is replayed', async () => {
    // Prepare
    const id = randomUUID();
    await newNote(alice, { id, title: 'Short-lived' });
    expect((await deleteNote(alice, id)).status).toBe(204);

    // Act
    const replay = await createNote(alice, { id, title: 'Short-lived' });

    // Assess
    expect(replay.status).toBe(409);
    expect((await getNote(alice, id)).status).toBe(404);
  });

  it('starts a note with a photo key issued to the caller as pending', async () => {
    // Prepare
    const key = uploadKeyFor(alice);

    // Act
    const res = await createNote(alice, { title: 'Photo', photoKey: key });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body.photo).toEqual({ key, status: 'pending', thumbnails: null });
  });

  it('refuses a photo key issued to someone else, or forged, with 400 and writes nothing', async () => {
    // Prepare
    const dave = await createTestUser('dave');
    const forged = uploadKeyFor(dave).replace(/-[A-Za-z0-9_-]{16}\./, '-AAAAAAAAAAAAAAAA.');

    // Act
    const othersKey = await createNote(dave, { title: 'Photo', photoKey: uploadKeyFor(bob) });
    const forgedKey = await createNote(dave, { title: 'Photo', photoKey: forged });

    // Assess
    for (const res of [othersKey, forgedKey]) {
      expect(res.status).toBe(400);
      expect((res.body as unknown as ErrorBody).error.details).toEqual([expect.objectContaining({ path: 'photoKey' })]);
    }
    expect((await listAll(dave)).items).toEqual([]);
    expect((await syncAll(dave)).changes).toEqual([]);
  });
});

describe('GET /notes/{id}', () => {
  let privateNote: Note;
  let publicNote: Note;

  beforeAll(async () => {
    privateNote = await newNote(alice, { title: 'Private', sharedWith: [bob.userId] });
    publicNote = await newNote(alice, { title: 'Public', visibility: 'public' });
  });

  it('shows a private note to its owner and its sharees, and 404 to anyone else', async () => {
    // Act
    const [owner, sharee, stranger] = await Promise.all([getNote(alice, privateNote.id), getNote(bob, privateNote.id), getNote(carol, privateNote.id)]);

    // Assess
    expect(owner).toMatchObject({ status: 200, body: privateNote });
    expect(sharee).toMatchObject({ status: 200, body: privateNote });
    expect(stranger.status).toBe(404);
    expect((stranger.body as unknown as ErrorBody).error).toMatchObject({ code: 'NOT_FOUND', requestId: stranger.headers.get('x-request-id') });
  });

  it('shows a public note to everyone', async () => {
    // Act
    const res = await getNote(carol, publicNote.id);

    // Assess
    expect(res).toMatchObject({ status: 200, body: publicNote });
  });

  it('answers 404 for unknown and malformed ids', async () => {
    // Act
    const [unknown, malformed] = await Promise.all([getNote(alice, randomUUID()), getNote(alice, 'not-a-note')]);

    // Assess
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
  });

  it('answers 401 without a valid access token', async () => {
    // Act
    const res = await getNote({ ...alice, accessToken: `${alice.accessToken}x` }, publicNote.id);

    // Assess
    expect(res.status).toBe(401);
  });
});

describe('PATCH /notes/{id}', () => {
  it('lets the owner change any field, adding one to the version', async () => {
    // Prepare
    const note = await newNote(alice, { title: 'Draft' });
    const key = uploadKeyFor(alice);

    // Act
    const res = await patchNote(alice, note.id, { title: 'Final', body: 'Done', tags: ['A', 'a'], visibility: 'public', sharedWith: [bob.userId], photoKey: key });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Final', body: 'Done', tags: ['a'], visibility: 'public', sharedWith: [bob.userId], photo: { key, status: 'pending' }, version: 2 });
    expect(res.body.createdAt).toBe(note.createdAt);
    expect(res.body.updatedAt >= note.updatedAt).toBe(true);
    expect(res.headers.get('etag')).toBe('"2"');
  });

  it('removes the photo with photoKey null', async () => {
    // Prepare
    const note = await newNote(alice, { photoKey: uploadKeyFor(alice) });

    // Act
    const res = await patchNote(alice, note.id, { photoKey: null });

    // Assess
    expect(res.body).toMatchObject({ photo: null, version: 2 });
  });

  it('answers 403 to those who can see the note and 404 to the rest, changing nothing', async () => {
    // Prepare
    const shared = await newNote(alice, { title: 'Shared', sharedWith: [bob.userId] });
    const publicNote = await newNote(alice, { title: 'Public', visibility: 'public' });

    // Act
    const bySharee = await patchNote(bob, shared.id, { title: 'Hijacked' });
    const byReaderOfPublic = await patchNote(carol, publicNote.id, { title: 'Hijacked' });
    const byStranger = await patchNote(carol, shared.id, { title: 'Hijacked' });
    const deleteBySharee = await deleteNote(bob, shared.id);
    const deleteByStranger = await deleteNote(carol, shared.id);

    // Assess
    expect([bySharee.status, byReaderOfPublic.status, deleteBySharee.status]).toEqual([403, 403, 403]);
    expect([byStranger.status, deleteByStranger.status]).toEqual([404, 404]);
    expect((await getNote(alice, shared.id)).body).toEqual(shared);
    expect((await getNote(alice, publicNote.id)).body).toEqual(publicNote);
  });

  it('applies a matching If-Match and answers a stale one with 412 and the current note', async () => {
    // Prepare
    const note = await newNote(alice, { title: 'v1' });
    const v2 = await patchNote(alice, note.id, { title: 'v2' }, '1');

    // Act
    const stale = await patchNote(alice, note.id, { title: 'v2 from an old copy' }, '1');

    // Assess
    expect(v2).toMatchObject({ status: 200, body: { title: 'v2', version: 2 } });
    expect(stale.status).toBe(412);
    const error = (stale.body as unknown as ErrorBody).error;
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.details).toEqual([{ current: v2.body }]);
    expect((await getNote(alice, note.id)).body).toEqual(v2.body);
  });

  it('accepts the ETag form of the version in If-Match', async () => {
    // Prepare
    const note = await newNote(alice);

    // Act
    const res = await patchNote(alice, note.id, { body: 'quoted' }, '"1"');

    // Assess
    expect(res).toMatchObject({ status: 200, body: { version: 2 } });
  });

  it.each(['abc', '0', '-2', '1.0', 'W/"1"'])('answers a malformed If-Match %j with 400', async (ifMatch) => {
    // Prepare
    const note = await newNote(alice);

    // Act
    const patch = await patchNote(alice, note.id, { title: 'x' }, ifMatch);
    const del = await deleteNote(alice, note.id, ifMatch);

    // Assess
    expect(patch.status).toBe(400);
    expect(del.status).toBe(400);
    expect((await getNote(alice, note.id)).body).toEqual(note);
  });

  it('lets exactly one of two concurrent PATCHes with the same If-Match win', async () => {
    // Prepare
    const note = await newNote(alice, { title: 'Contested' });

    // Act
    const [first, second] = await Promise.all([patchNote(alice, note.id, { title: 'First' }, '1'), patchNote(alice, note.id, { title: 'Second' }, '1')]);

    // Assess
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 412]);
    const winner = first.status === 200 ? first : second;
    const loser = first.status === 200 ? second : first;
    expect(winner.body.version).toBe(2);
    expect((loser.body as unknown as ErrorBody).error.details).toEqual([{ current: winner.body }]);
    expect((await getNote(alice, note.id)).body).toEqual(winner.body);
  });

  it('adds exactly one to the version per change under concurrent PATCHes without If-Match', async () => {
    // Prepare
    const note = await newNote(alice, { title: 'Busy' });
    const bodies = Array.from({ length: 6 }, (_, i) => `edit ${i}`);

    // Act
    const results = await Promise.all(bodies.map((body) => patchNote(alice, note.id, { body })));

    // Assess
    expect(results.map((res) => res.status)).toEqual(bodies.map(() => 200));
    expect(results.map((res) => res.body.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
    const final = (await getNote(alice, note.id)).body;
    expect(final.version).toBe(7);
    expect(results.find((res) => res.body.version === 7)?.body).toEqual(final);
  });

  it('answers 404 for unknown ids', async () => {
    // Act
    const res = await patchNote(alice, randomUUID(), { title: 'x' });

    // Assess
    expect(res.status).toBe(404);
  });
});

describe('DELETE /notes/{id}', () => {
  it('deletes the note for everyone and takes it out of every list', async () => {
    // Prepare
    const note = await newNote(alice, { sharedWith: [bob.userId], visibility: 'public' });

    // Act
    const res = await deleteNote(alice, note.id, '1');

    // Assess
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    for (const user of [alice, bob, carol]) expect((await getNote(user, note.id)).status).toBe(404);
    expect((await listAll(alice)).items.map((n) => n.id)).not.toContain(note.id);
    expect((await listAll(bob, { scope: 'shared' })).items.map((n) => n.id)).not.toContain(note.id);
    expect((await deleteNote(alice, note.id)).status).toBe(404);
  });

  it('answers a stale If-Match with 412 and the current note, and keeps it', async () => {
    // Prepare
    const note = await newNote(alice);
    const v2 = await patchNote(alice, note.id, { title: 'v2' });

    // Act
    const res = await deleteNote(alice, note.id, '1');

    // Assess
    expect(res.status).toBe(412);
    expect((res.body as ErrorBody).error.details).toEqual([{ current: v2.body }]);
    expect((await getNote(alice, note.id)).status).toBe(200);
  });
});
