// The shared feed (domain/shared-feed.ts): which entries a note change asks for, which one wins, and the ordering
// and replay guarantees of GET /sync?scope=shared|all, checked on random interleavings of owners' writes, shares
// and unshares, stream records handled late, out of order and twice, lost races, and a reader paging meanwhile.
import type { NoteImage, NoteStreamChange } from '@photonotes/shared/contracts/notes-stream';
import { toNote } from '../../src/domain/note';
import type { Note } from '../../src/domain/note';
import type { Change, SyncScope } from '../../src/domain/ports';
import { feedSharees, mergeFeeds, shareeChangesOf, supersedesEntry } from '../../src/domain/shared-feed';
import type { FeedEntry, FeedSlice } from '../../src/domain/shared-feed';
import { FakeNotesRepository } from './support/fake-notes-repository';
import { FakeSharedFeed } from './support/fake-shared-feed';
import { storedNote } from './support/notes-deps';

const clock = { now: () => new Date('2026-11-28T10:00:00.000Z') };

function image(overrides: Partial<NoteImage> = {}): NoteImage {
  return {
    entity: 'note',
    id: 'n1',
    ownerId: 'alice',
    title: 'Harbour',
    body: 'text',
    tags: [],
    visibility: 'private',
    sharedWith: [],
    photo: null,
    version: 1,
    createdAt: '2026-11-28T09:00:00.000Z',
    updatedAt: '2026-11-28T09:00:00.000Z',
    ...overrides,
  };
}

/** A small seeded generator (mulberry32), so every random case can be run again. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

function apply(state: Map<string, Note>, changes: Change[]): Map<string, Note> {
  const next = new Map(state);
  for (const change of changes) {
    if (change.op === 'upsert') next.set(change.note.id, change.note);
    else next.delete(change.id);
  }
  return next;
}

describe('shareeChangesOf', () => {
  it('gives every sharee the note as the change left it, and a delete to those it was unshared from', () => {
    // Prepare
    const before = image({ version: 2, sharedWith: ['bob', 'carol'] });
    const after = image({ version: 3, sharedWith: ['carol', 'dave'], body: 'edited', updatedAt: '2026-11-28T09:30:00.000Z' });

    // Act
    const changes = shareeChangesOf({ eventName: 'MODIFY', oldImage: before, newImage: after }, 'unused');

    // Assess
    expect(changes.map(({ userId, version, deleted, change }) => ({ userId, version, deleted, op: change.op }))).toEqual([
      { userId: 'carol', version: 3, deleted: false, op: 'upsert' },
      { userId: 'dave', version: 3, deleted: false, op: 'upsert' },
      { userId: 'bob', version: 3, deleted: true, op: 'delete' },
    ]);
    expect(changes[0]?.change).toEqual({ op: 'upsert', note: expect.objectContaining({ id: 'n1', body: 'edited', sharedWith: ['carol', 'dave'] }) });
    expect(changes[0]?.change).not.toHaveProperty('note.entity');
    expect(changes[2]?.change).toEqual({ op: 'delete', id: 'n1', deletedAt: '2026-11-28T09:30:00.000Z' });
  });

  it('gives the sharees of a deleted note a delete at the time of the deletion, and nobody anything for an unshared note', () => {
    // Prepare
    const deleted = image({ version: 4, sharedWith: ['bob'] });

    // Act
    const onDelete = shareeChangesOf({ eventName: 'REMOVE', oldImage: deleted, newImage: undefined }, '2026-11-28T11:00:00.000Z');
    const onCreate = shareeChangesOf({ eventName: 'INSERT', oldImage: undefined, newImage: image() }, 'unused');

    // Assess
    expect(onDelete).toEqual([{ userId: 'bob', noteId: 'n1', version: 4, deleted: true, change: { op: 'delete', id: 'n1', deletedAt: '2026-11-28T11:00:00.000Z' } }]);
    expect(onCreate).toEqual([]);
  });
});

describe('supersedesEntry', () => {
  it.each([
    [{ version: 1, deleted: false }, undefined, true],
    [{ version: 3, deleted: false }, { version: 2, deleted: true }, true],
    [{ version: 2, deleted: false }, { version: 3, deleted: false }, false],
    [{ version: 3, deleted: false }, { version: 3, deleted: false }, false],
    [{ version: 3, deleted: true }, { version: 3, deleted: false }, true],
    [{ version: 3, deleted: true }, { version: 3, deleted: true }, false],
    [{ version: 3, deleted: false }, { version: 3, deleted: true }, false],
  ])('%j over %j: %s', (candidate, seen, expected) => {
    // Act
    const result = supersedesEntry(candidate, seen);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('feedSharees', () => {
  it('goes again after a lost race, and leaves a closed feed alone', async () => {
    // Prepare
    let seq = 0;
    const feed = new FakeSharedFeed(() => ++seq);
    feed.conflictingRecords = 3;
    feed.purge('carol');
    const record: NoteStreamChange = { eventName: 'INSERT', oldImage: undefined, newImage: image({ sharedWith: ['bob', 'carol'] }) };

    // Act
    const counts = await feedSharees(record, 'unused', feed, clock);
    const again = await feedSharees(record, 'unused', feed, clock);

    // Assess
    expect(counts).toEqual({ recorded: 1, stale: 0, closed: 1 });
    expect(again).toEqual({ recorded: 0, stale: 1, closed: 1 });
    expect(feed.sliceAfter('bob', 0, 10).entries).toHaveLength(1);
    expect(feed.feeds.has('carol')).toBe(false);
  });
});

describe('mergeFeeds', () => {
  const slice = (seqs: number[], hasMore = false): FeedSlice => ({ entries: seqs.map((seq) => ({ seq, change: { op: 'delete', id: `e${seq}`, deletedAt: '' } })), hasMore });
  const ids = (changes: Change[]) => changes.map((change) => (change.op === 'delete' ? change.id : change.note.id));

  it('merges by number, own first on a tie, and stops at a slice that was cut short', () => {
    // Act
    const full = mergeFeeds(slice([1, 4, 6]), slice([2, 4, 9]), { own: 0, shared: 0 }, 10);
    const capped = mergeFeeds(slice([1, 4], true), slice([2, 3, 5, 9]), { own: 0, shared: 0 }, 10);

    // Assess
    expect(ids(full.changes)).toEqual(['e1', 'e2', 'e4', 'e4', 'e6', 'e9']);
    expect(full).toMatchObject({ positions: { own: 6, shared: 9 }, hasMore: false });
    expect(ids(capped.changes)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(capped).toMatchObject({ positions: { own: 4, shared: 3 }, hasMore: true });
  });

  it('pages through two growing feeds in one order, without skipping or repeating an entry (random cases)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      // Prepare: two feeds whose entries arrive with increasing numbers while a reader pages through both.
      const rng = random(seed);
      const feeds: { own: FeedEntry[]; shared: FeedEntry[] } = { own: [], shared: [] };
      let seq = 0;
      const add = () => {
        seq += 1 + rng.int(3);
        feeds[rng.pick(['own', 'shared'] as const)].push({ seq, change: { op: 'delete', id: `e${seq}`, deletedAt: '' } });
      };
      // A slice as a store reads it: at most `limit`, sometimes fewer (DynamoDB's 1 MB), hasMore when more follow.
      const read = (entries: FeedEntry[], after: number, limit: number): FeedSlice => {
        const rest = entries.filter((entry) => entry.seq > after);
        const take = Math.min(limit, rest.length, rng.next() < 0.3 ? 1 + rng.int(limit) : limit);
        return { entries: rest.slice(0, take), hasMore: rest.length > take };
      };
      const limit = 1 + rng.int(5);
      let position = { own: 0, shared: 0 };
      const cursors = [position];
      const seen: string[] = [];

      // Act
      for (let step = 0; step < 40; step++) {
        // Bursts, so the reader falls behind and slices are cut short with entries of the other feed after them.
        for (let burst = rng.int(7); burst > 0; burst--) add();
        const page = mergeFeeds(read(feeds.own, position.own, limit), read(feeds.shared, position.shared, limit), position, limit);
        seen.push(...ids(page.changes));
        position = page.positions;
        cursors.push(position);
      }
      for (let page = mergeFeeds(read(feeds.own, position.own, limit), read(feeds.shared, position.shared, limit), position, limit); ; ) {
        seen.push(...ids(page.changes));
        position = page.positions;
        if (!page.hasMore) break;
        page = mergeFeeds(read(feeds.own, position.own, limit), read(feeds.shared, position.shared, limit), position, limit);
      }

      // Assess: everything once, and each feed's entries in their order.
      const all = [...feeds.own, ...feeds.shared].sort((a, b) => a.seq - b.seq).map((entry) => `e${entry.seq}`);
      expect([...seen].sort()).toEqual([...all].sort());
      expect(new Set(seen).size).toBe(seen.length);
      // One order: entries arrive with growing numbers, so the pages together are sorted by number.
      const numbers = seen.map((id) => Number(id.slice(1)));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      for (const feed of [feeds.own, feeds.shared]) {
        const order = feed.map((entry) => `e${entry.seq}`);
        expect(seen.filter((id) => order.includes(id))).toEqual(order);
      }
      for (const cursor of cursors) {
        expect(cursor.own).toBeLessThanOrEqual(position.own);
        expect(cursor.shared).toBeLessThanOrEqual(position.shared);
      }
    }
  });
});

describe('GET /sync?scope=shared|all on random interleavings', () => {
  const reader = 'sam';
  const users = [reader, 'tess'];
  const owners = ['alice', 'bob'];

  interface Checkpoint {
    cursor: string;
    state: Map<string, Note>;
  }

  it('brings a copy from every cursor to the notes shared with the reader (and their own), unshares and deletes as deletes', async () => {
    for (let seed = 1; seed <= 150; seed++) {
      // Prepare
      const rng = random(seed);
      const repo = new FakeNotesRepository();
      const scope: SyncScope = rng.next() < 0.5 ? 'shared' : 'all';
      const limit = 1 + rng.int(4);
      const notes = new Map<string, NoteImage>();
      const pending: NoteStreamChange[] = [];
      let clockMs = Date.parse('2026-11-28T09:00:00.000Z');
      let created = 0;
      const tick = () => new Date((clockMs += 1000)).toISOString();
      const randomSharees = () => users.filter(() => rng.next() < 0.5);

      /** An owner's write: the note's new state and the stream record it causes (the reader's own notes go to its own feed). */
      const write = async () => {
        const live = [...notes.values()];
        const kind = live.length === 0 || rng.next() < 0.3 ? 'create' : rng.pick(['edit', 'share', 'unshare', 'delete'] as const);
        if (kind === 'create') {
          const ownerId = rng.next() < 0.2 ? reader : rng.pick(owners);
          const at = tick();
          const note = image({ id: `n${++created}`, ownerId, sharedWith: randomSharees().filter((id) => id !== ownerId), createdAt: at, updatedAt: at });
          notes.set(note.id, note);
          pending.push({ eventName: 'INSERT', oldImage: undefined, newImage: note });
          if (ownerId === reader) repo.seed(storedNote(note));
          return;
        }
        const before = rng.pick(live);
        if (kind === 'delete') {
          notes.delete(before.id);
          pending.push({ eventName: 'REMOVE', oldImage: before, newImage: undefined });
          if (before.ownerId === reader) await repo.removeNote(storedNote(before), tick());
          return;
        }
        const sharedWith = kind === 'edit' ? before.sharedWith : kind === 'share' ? [...new Set([...before.sharedWith, ...randomSharees()])] : before.sharedWith.filter(() => rng.next() < 0.5);
        const after = { ...before, sharedWith: sharedWith.filter((id) => id !== before.ownerId), body: `v${before.version + 1}`, version: before.version + 1, updatedAt: tick() };
        notes.set(after.id, after);
        pending.push({ eventName: 'MODIFY', oldImage: before, newImage: after });
        if (before.ownerId === reader) repo.seed(storedNote(after));
      };
      /** publishNoteEvents handling a record: usually the oldest, sometimes a later one first, sometimes twice, sometimes losing a race. */
      const handle = async () => {
        const index = rng.next() < 0.7 ? 0 : rng.int(pending.length);
        const [record] = rng.next() < 0.1 ? pending.slice(index, index + 1) : pending.splice(index, 1);
        if (rng.next() < 0.2) repo.shared.conflictingRecords = 1;
        await feedSharees(record as NoteStreamChange, tick(), repo.shared, clock);
      };
      const checkpoints: Checkpoint[] = [];
      let cursor: string | undefined;
      let state = new Map<string, Note>();
      const readPage = async (from: string | undefined) => repo.changesSince(reader, scope, from, limit);

      // Act: writes, record handling and the reader's pages, interleaved at random.
      for (let step = 0; step < 60; step++) {
        const roll = rng.next();
        if (roll < 0.4) await write();
        else if (roll < 0.75 && pending.length > 0) await handle();
        else {
          checkpoints.push({ cursor: cursor ?? '', state });
          const page = await readPage(cursor);
          state = apply(state, page.changes);
          cursor = page.cursor;
        }
      }
      while (pending.length > 0) await handle();
      const truth = new Map(
        [...notes.values()]
          .filter((note) => note.sharedWith.includes(reader) || (scope === 'all' && note.ownerId === reader))
          .map((note) => [note.id, toNote(note)]),
      );

      // Assess: from every cursor handed out (and from none), paging to the end gives the truth.
      for (const checkpoint of [{ cursor: '', state: new Map<string, Note>() }, ...checkpoints]) {
        let from: string | undefined = checkpoint.cursor === '' ? undefined : checkpoint.cursor;
        const replayed: Change[] = [];
        for (;;) {
          const page = await readPage(from);
          expect(page.changes.length).toBeLessThanOrEqual(limit);
          replayed.push(...page.changes);
          from = page.cursor;
          if (!page.hasMore) break;
        }
        const result = apply(checkpoint.state, replayed);
        expect({ seed, notes: [...result.values()].sort((a, b) => a.id.localeCompare(b.id)) }).toEqual({ seed, notes: [...truth.values()].sort((a, b) => a.id.localeCompare(b.id)) });
        // A note the copy had that is gone (deleted, or unshared from the reader) arrives as a delete.
        const deletes = new Set(replayed.flatMap((change) => (change.op === 'delete' ? [change.id] : [])));
        for (const id of checkpoint.state.keys()) if (!truth.has(id)) expect(deletes.has(id)).toBe(true);
      }
      // Another user's notes never reach the reader.
      for (const change of (await readPage(undefined)).changes) {
        if (change.op === 'upsert') expect(change.note.ownerId === reader || change.note.sharedWith.includes(reader)).toBe(true);
      }
    }
  });
});
