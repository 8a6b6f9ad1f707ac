// GET /sync: the owner's change feed. Replaying from any cursor it handed out must bring a local copy to
// the server's state, deletes included, without skipping a change, also while writes run concurrently.
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { applyChanges, deleteNote, listAll, newNote, patchNote, syncAll, syncPage } from '../support/notes-api';
import type { Change, Note } from '../support/notes-api';

jest.setTimeout(120_000);

async function serverState(user: TestUser): Promise<Map<string, Note>> {
  return new Map((await listAll(user, { limit: '100' })).items.map((note) => [note.id, note]));
}

const deletedIds = (changes: Change[]) => changes.flatMap((change) => (change.op === 'delete' ? [change.id] : []));

async function inBatches<T>(count: number, batch: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => fn(i + j)))));
  return out;
}

describe('GET /sync', () => {
  it('starts empty, with a cursor, for a new user', async () => {
    // Prepare
    const user = await createTestUser('fresh');

    // Act
    const res = await syncPage(user);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ changes: [], cursor: expect.any(String), hasMore: false });
  });

  it('brings a copy from any cursor of a sequence of creates, edits and deletes to the server state', async () => {
    // Prepare: one op at a time; after each, the cursor a syncing client holds and the state it has.
    const user = await createTestUser('syncer');
    const other = await createTestUser('bystander');
    const checkpoints: Array<{ cursor: string; state: Map<string, Note>; deletedLater: string[] }> = [];
    let clientCursor = (await syncPage(user)).body.cursor;
    let clientState = new Map<string, Note>();
    const ids: Record<string, string> = {};
    const deletedAfter: string[][] = [];
    const ops: Array<() => Promise<unknown>> = [
      async () => (ids.a = (await newNote(user, { title: 'A' })).id),
      async () => (ids.b = (await newNote(user, { title: 'B', sharedWith: [other.userId] })).id),
      () => patchNote(user, ids.a as string, { body: 'A edited' }),
      async () => (ids.c = (await newNote(user, { title: 'C' })).id),
      () => deleteNote(user, ids.b as string),
      () => patchNote(user, ids.c as string, { tags: ['one'] }),
      () => patchNote(user, ids.c as string, { tags: ['two'] }),
      async () => (ids.d = (await newNote(user, { title: 'D' })).id),
      () => patchNote(user, ids.a as string, { visibility: 'public' }),
      () => deleteNote(user, ids.d as string),
      () => newNote(other, { title: 'Not mine' }),
      async () => (ids.e = (await newNote(user, { title: 'E' })).id),
      () => deleteNote(user, ids.a as string),
    ];
    const deletes: Record<number, string> = { 4: 'b', 9: 'd', 12: 'a' };
    for (const [index, op] of ops.entries()) {
      checkpoints.push({ cursor: clientCursor, state: clientState, deletedLater: [] });
      deletedAfter.push([]);
      await op();
      const page = await syncAll(user, clientCursor);
      clientState = applyChanges(clientState, page.changes);
      clientCursor = page.cursor;
      const deleted = deletes[index];
      if (deleted) for (const checkpoint of checkpoints) checkpoint.deletedLater.push(ids[deleted] as string);
      expect(clientState).toEqual(await serverState(user));
    }
    const final = await serverState(user);

    // Act
    const replays = await Promise.all(checkpoints.map((checkpoint) => syncAll(user, checkpoint.cursor)));

    // Assess
    expect([...final.keys()].sort()).toEqual([ids.c, ids.e].sort());
    replays.forEach((replay, index) => {
      const checkpoint = checkpoints[index] as (typeof checkpoints)[number];
      expect(applyChanges(checkpoint.state, replay.changes)).toEqual(final);
      // Deleted after the cursor: always a delete, also for notes created after it (d).
      expect(deletedIds(replay.changes).sort()).toEqual([...checkpoint.deletedLater].sort());
    });
    const fromStart = await syncAll(user);
    expect(applyChanges(new Map(), fromStart.changes)).toEqual(final);
    expect(deletedIds(fromStart.changes).sort()).toEqual([ids.a, ids.b, ids.d].sort());
    expect(fromStart.changes.every((change) => change.op === 'delete' || change.note.ownerId === user.userId)).toBe(true);
    expect(await syncAll(user, clientCursor)).toMatchObject({ changes: [], cursor: clientCursor });
  });

  it('hands out at most 500 changes a page and follows with hasMore', async () => {
    // Prepare
    const user = await createTestUser('prolific');
    const created = await inBatches(505, 8, (i) => newNote(user, { title: `Note ${i}` }));

    // Act
    const first = await syncPage(user);
    const second = await syncPage(user, first.body.cursor);

    // Assess
    expect(first.body.changes).toHaveLength(500);
    expect(first.body.hasMore).toBe(true);
    expect(second.body.changes).toHaveLength(5);
    expect(second.body.hasMore).toBe(false);
    const seen = [...first.body.changes, ...second.body.changes].map((change) => (change.op === 'upsert' ? change.note.id : change.id));
    expect(new Set(seen)).toEqual(new Set(created.map((note) => note.id)));
  });

  it('never skips a change for a client that syncs while writes run concurrently', async () => {
    // Prepare
    const user = await createTestUser('busy');
    const seed = await inBatches(6, 6, (i) => newNote(user, { title: `Seed ${i}` }));
    let cursor: string | undefined;
    let state = new Map<string, Note>();
    let writing = true;

    // Act: a client keeps syncing while rounds of concurrent creates, edits and deletes run.
    const client = (async () => {
      while (writing) {
        const page = await syncAll(user, cursor);
        state = applyChanges(state, page.changes);
        cursor = page.cursor;
      }
    })();
    for (let round = 0; round < 4; round++) {
      await Promise.all([
        ...seed.map((note) => patchNote(user, note.id, { body: `round ${round}` })),
        newNote(user, { title: `Round ${round}` }),
        newNote(user, { title: `Round ${round} (short-lived)` }).then((note) => deleteNote(user, note.id)),
      ]);
    }
    writing = false;
    await client;
    const last = await syncAll(user, cursor);
    state = applyChanges(state, last.changes);

    // Assess
    const server = await serverState(user);
    expect(state).toEqual(server);
    expect([...server.values()].filter((note) => note.title.startsWith('Seed')).map((note) => note.version)).toEqual(seed.map(() => 5));
  });
});
