// GET /sync?scope=shared|all through the whole stack: the shared feed is written from the notes stream (before
// note.changed is published), so each expectation waits for it. A share, every later change, an unshare and a
// delete reach the sharee in order; `all` merges both feeds under one cursor; pages of 500 and replays from every
// cursor; nobody sees notes not shared with them; a deleted sharee's feed is purged and closed; bad input is a 400.
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { keys } from '../../src/adapters/keys';
import { applyChanges, deleteNote, eventually, newNote, patchNote, syncAll, syncPage } from '../support/notes-api';
import type { Change, Note } from '../support/notes-api';

jest.setTimeout(240_000);

const notesTable = 'photonotes-core-api-local-notes';
const dynamodb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

afterAll(() => dynamodb.destroy());

const idOf = (change: Change) => (change.op === 'upsert' ? change.note.id : change.id);

/** Syncs `scope` from `cursor` until `check` holds for the changes gathered (the shared feed lands asynchronously). */
async function syncUntil(user: TestUser, scope: string, cursor: string | undefined, check: (changes: Change[]) => boolean): Promise<{ changes: Change[]; cursor: string }> {
  let gathered: Change[] = [];
  let next = cursor;
  await eventually(
    async () => {
      const page = await syncAll(user, next, scope);
      gathered = [...gathered, ...page.changes];
      next = page.cursor;
      return gathered;
    },
    check,
  );
  return { changes: gathered, cursor: next as string };
}

async function inBatches<T>(count: number, batch: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => fn(i + j)))));
  return out;
}

describe('GET /sync?scope=shared|all', () => {
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([createTestUser('alice'), createTestUser('bob'), createTestUser('carol')]);
  });

  it('brings a share, each later change, an unshare and a delete to the sharee after their cursor', async () => {
    // Prepare
    const start = (await syncPage(bob, undefined, 'shared')).body.cursor;

    // Act + Assess, step by step: each change arrives after the cursor the previous step left.
    const note = await newNote(alice, { title: 'Harbour', body: 'first', sharedWith: [bob.userId] });
    const shared = await syncUntil(bob, 'shared', start, (changes) => changes.some((change) => idOf(change) === note.id));
    expect(shared.changes).toEqual([{ op: 'upsert', note: expect.objectContaining({ id: note.id, ownerId: alice.userId, body: 'first', version: 1, sharedWith: [bob.userId] }) }]);

    await patchNote(alice, note.id, { body: 'edited' });
    const edited = await syncUntil(bob, 'shared', shared.cursor, (changes) => changes.length > 0);
    expect(edited.changes).toEqual([{ op: 'upsert', note: expect.objectContaining({ id: note.id, body: 'edited', version: 2 }) }]);

    const unshare = await patchNote(alice, note.id, { sharedWith: [carol.userId] });
    const unshared = await syncUntil(bob, 'shared', edited.cursor, (changes) => changes.length > 0);
    expect(unshared.changes).toEqual([{ op: 'delete', id: note.id, deletedAt: unshare.body.updatedAt }]);
    const forCarol = await syncUntil(carol, 'shared', undefined, (changes) => changes.some((change) => idOf(change) === note.id));
    expect(forCarol.changes).toEqual([{ op: 'upsert', note: expect.objectContaining({ id: note.id, version: 3, sharedWith: [carol.userId] }) }]);

    await deleteNote(alice, note.id);
    const deleted = await syncUntil(carol, 'shared', forCarol.cursor, (changes) => changes.length > 0);
    expect(deleted.changes).toEqual([{ op: 'delete', id: note.id, deletedAt: expect.any(String) }]);
    // From the start, the sharee's feed holds the note's last state only: the delete.
    expect((await syncAll(bob, start, 'shared')).changes.filter((change) => idOf(change) === note.id)).toEqual([{ op: 'delete', id: note.id, deletedAt: unshare.body.updatedAt }]);
    // The owner's own feed is as before: the scope named or not.
    const ownNamed = await syncAll(alice, undefined, 'own');
    expect(ownNamed.changes).toEqual((await syncAll(alice)).changes);
    expect(ownNamed.changes.filter((change) => idOf(change) === note.id)).toEqual([{ op: 'delete', id: note.id, deletedAt: expect.any(String) }]);
  });

  it('merges the own and shared feeds into one ordered feed under one cursor, and shows nobody a note not shared with them', async () => {
    // Prepare: dave has notes of his own and notes shared with him; erin watches.
    const [dave, erin] = await Promise.all([createTestUser('dave'), createTestUser('erin')]);
    const ownFirst = await newNote(dave, { title: 'Mine 1' });
    const sharedFirst = await newNote(alice, { title: 'For dave 1', sharedWith: [dave.userId] });
    const ownSecond = await newNote(dave, { title: 'Mine 2' });
    const sharedSecond = await newNote(alice, { title: 'For dave 2', sharedWith: [dave.userId] });
    await newNote(alice, { title: 'Not for dave' });
    await syncUntil(dave, 'shared', undefined, (changes) => changes.length === 2);

    // Act
    const all = await syncAll(dave, undefined, 'all');
    await patchNote(alice, sharedFirst.id, { title: 'For dave 1, edited' });
    await patchNote(dave, ownFirst.id, { title: 'Mine 1, edited' });
    const next = await syncUntil(dave, 'all', all.cursor, (changes) => changes.length === 2);
    const erinAll = await syncAll(erin, undefined, 'all');
    const erinShared = await syncAll(erin, undefined, 'shared');

    // Assess
    const state = applyChanges(new Map<string, Note>(), [...all.changes, ...next.changes]);
    expect([...state.keys()].sort()).toEqual([ownFirst.id, ownSecond.id, sharedFirst.id, sharedSecond.id].sort());
    expect(state.get(sharedFirst.id)?.title).toBe('For dave 1, edited');
    expect(state.get(ownFirst.id)?.title).toBe('Mine 1, edited');
    // Each feed's order is kept inside the merged one.
    const own = (await syncAll(dave)).changes.map(idOf);
    const shared = (await syncAll(dave, undefined, 'shared')).changes.map(idOf);
    const merged = (await syncAll(dave, undefined, 'all')).changes.map(idOf);
    expect(merged.filter((id) => own.includes(id))).toEqual(own);
    expect(merged.filter((id) => shared.includes(id))).toEqual(shared);
    expect(merged.sort()).toEqual([...own, ...shared].sort());
    expect(await syncAll(dave, next.cursor, 'all')).toMatchObject({ changes: [], cursor: next.cursor });
    expect(erinAll.changes).toEqual([]);
    expect(erinShared.changes).toEqual([]);
  });

  it('hands out at most 500 changes a page, and a replay from every cursor brings the copy to the same state', async () => {
    // Prepare: 505 notes shared with frank (and one of his own), landing in his feed asynchronously.
    const frank = await createTestUser('frank');
    const mine = await newNote(frank, { title: 'Frank’s own' });
    const created = await inBatches(505, 8, (i) => newNote(alice, { title: `For frank ${i}`, sharedWith: [frank.userId] }));
    await eventually(
      async () => (await syncAll(frank, undefined, 'shared')).changes.length,
      (count) => count === 505,
      60_000,
    );

    // Act
    const shared = await syncAll(frank, undefined, 'shared');
    const all = await syncAll(frank, undefined, 'all');
    const replays = await Promise.all([undefined, ...all.pages.map((page) => page.cursor)].map((cursor) => syncAll(frank, cursor, 'all')));

    // Assess
    expect(shared.pages.map((page) => [page.changes.length, page.hasMore])).toEqual([
      [500, true],
      [5, false],
    ]);
    expect(all.pages.map((page) => [page.changes.length, page.hasMore])).toEqual([
      [500, true],
      [6, false],
    ]);
    expect(new Set(shared.changes.map(idOf))).toEqual(new Set(created.map((note) => note.id)));
    const final = applyChanges(new Map(), all.changes);
    expect([...final.keys()].sort()).toEqual([mine.id, ...created.map((note) => note.id)].sort());
    // From the start, after page 1, after page 2: the copy held then plus the replay is the same state.
    const heldAt = [new Map<string, Note>(), applyChanges(new Map(), all.pages[0]?.changes ?? []), final];
    replays.forEach((replay, index) => expect(applyChanges(heldAt[index] as Map<string, Note>, replay.changes)).toEqual(final));
  });

  it('refuses an unknown scope, and a cursor of another scope or another user, with a 400', async () => {
    // Prepare
    const ownCursor = (await syncPage(bob)).body.cursor;
    const sharedCursor = (await syncPage(bob, undefined, 'shared')).body.cursor;

    // Act
    const badScope = await syncPage(bob, undefined, 'everything');
    const ownAsShared = await syncPage(bob, ownCursor, 'shared');
    const sharedAsAll = await syncPage(bob, sharedCursor, 'all');
    const othersCursor = await syncPage(carol, sharedCursor, 'shared');
    const garbage = await syncPage(bob, 'not-a-cursor', 'all');

    // Assess
    expect(badScope.status).toBe(400);
    expect((badScope.body as unknown as ErrorBody).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ location: 'query', path: 'scope' })] });
    for (const res of [ownAsShared, sharedAsAll, othersCursor, garbage]) {
      expect(res.status).toBe(400);
      expect((res.body as unknown as ErrorBody).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: 'cursor', code: 'invalid_cursor' })] });
    }
  });

  it('purges and closes a deleted sharee’s shared feed, so changes made afterwards leave nothing behind', async () => {
    // Prepare
    const leaving = await createTestUser('leaving');
    const note = await newNote(alice, { title: 'For the leaving one', sharedWith: [leaving.userId] });
    await syncUntil(leaving, 'shared', undefined, (changes) => changes.length === 1);
    const partition = async () =>
      (
        await dynamodb.send(
          new QueryCommand({ TableName: notesTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: keys.sharedPartition(leaving.userId) } }, ConsistentRead: true }),
        )
      ).Items ?? [];

    // Act: the account goes; its clean-up takes it off alice's note (a change its feed must not keep).
    const deleted = await api('/users/me', { method: 'DELETE', token: leaving.accessToken });
    await eventually(
      async () => (await syncAll(alice)).changes.find((change) => idOf(change) === note.id),
      (change) => change?.op === 'upsert' && change.note.sharedWith.length === 0,
    );
    const left = await eventually(partition, (items) => items.length === 1 && items[0]?.closedAt !== undefined);

    // Assess
    expect(deleted.status).toBe(204);
    expect(left.map((item) => item.sk?.S)).toEqual(['HEAD']);
    expect(Number(left[0]?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
  });
});
