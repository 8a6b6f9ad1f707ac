// The offline layer on fake-indexeddb, with the real @photonotes/client talking to an in-memory notes API:
// queued edits sent on reconnect with If-Match, conflicts and their resolutions, sync replay, deletes, the
// cursor across a reload, the order of one note's changes, refusals kept for the UI, retries with backoff.
import { IDBFactory } from 'fake-indexeddb';
import { createClient } from '@photonotes/client';
import { createSyncEngine, manualOnlineSignal, openOfflineStore, realtimeHandlers, webLock } from '../../src/offline';
import type { Clock, IdbFactory, OfflineStore, SyncEngine } from '../../src/offline';
import { FakeNotesApi } from './fake-api';

const ME = 'user-me';
const OTHER = 'user-other';

class FakeClock implements Clock {
  private ms = Date.UTC(2026, 10, 30, 12, 0, 0);
  private nextHandle = 1;
  readonly timers = new Map<number, { callback: () => void; ms: number }>();
  now(): Date {
    this.ms += 1000;
    return new Date(this.ms);
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { callback, ms });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  runTimers(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    for (const timer of due) timer.callback();
  }
}

interface Harness {
  server: FakeNotesApi;
  factory: IdbFactory;
  store: OfflineStore;
  engine: SyncEngine;
  online: ReturnType<typeof manualOnlineSignal>;
  clock: FakeClock;
}

let ids = 0;
const opened: Harness[] = [];

async function boot(options: { online?: boolean; server?: FakeNotesApi; factory?: IdbFactory; exclusive?: (work: () => Promise<void>) => Promise<void> } = {}): Promise<Harness> {
  const server = options.server ?? new FakeNotesApi(ME);
  const factory: IdbFactory = options.factory ?? (new IDBFactory() as IdbFactory);
  const store = await openOfflineStore(factory, 'photonotes-test');
  const online = manualOnlineSignal(options.online ?? true);
  const clock = new FakeClock();
  const api = createClient({ baseUrl: 'http://api.test', fetch: server.fetch, tokens: { get: () => 'token' } });
  const engine = createSyncEngine({ api, store, userId: ME, online, clock, exclusive: options.exclusive, newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` });
  const harness = { server, factory, store, engine, online, clock };
  opened.push(harness);
  await engine.start();
  return harness;
}

/** The network goes away: the signal says so and requests fail. */
function goOffline(h: Harness): void {
  h.server.offline = true;
  h.online.set(false);
}

async function goOnline(h: Harness): Promise<void> {
  h.server.offline = false;
  h.online.set(true);
  await h.engine.settled();
}

function writes(h: Harness) {
  return h.server.requests.filter((request) => request.method !== 'GET').map(({ method, path, ifMatch }) => ({ method, path, ifMatch }));
}

afterEach(() => {
  for (const h of opened.splice(0)) {
    h.engine.stop();
    h.store.close();
  }
});

describe('offline edits', () => {
  it('queues an edit made offline and sends it on reconnect with If-Match of the version it was made against', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour' });
    await h.engine.sync();
    goOffline(h);

    // Act
    const local = await h.engine.updateNote('n1', { title: 'Harbour at dawn' });
    const queued = await h.engine.outbox();
    await goOnline(h);

    // Assess
    expect(local).toMatchObject({ id: 'n1', title: 'Harbour at dawn', version: 1, local: 'pending' });
    expect(queued).toEqual([expect.objectContaining({ op: 'update', noteId: 'n1', baseVersion: 1, status: 'pending' })]);
    expect(writes(h)).toEqual([{ method: 'PATCH', path: '/notes/n1', ifMatch: '1' }]);
    expect(h.server.notes.get('n1')).toMatchObject({ title: 'Harbour at dawn', version: 2 });
    expect(await h.engine.outbox()).toEqual([]);
    expect(await h.engine.getNote('n1')).toMatchObject({ title: 'Harbour at dawn', version: 2, local: 'synced' });
  });

  it('sends one note’s queued create, edits and delete in order, each edit against the version the previous one produced', async () => {
    // Prepare
    const h = await boot({ online: false });
    h.server.offline = true;

    // Act
    const created = await h.engine.createNote({ title: 'Draft', tags: ['Harbour', 'harbour'] });
    await h.engine.updateNote(created.id, { body: 'first' });
    await h.engine.updateNote(created.id, { body: 'second' });
    const beforeDelete = await h.engine.listNotes();
    await h.engine.deleteNote(created.id);
    const afterDelete = await h.engine.listNotes();
    await goOnline(h);

    // Assess
    expect(beforeDelete).toEqual([expect.objectContaining({ id: created.id, title: 'Draft', body: 'second', tags: ['harbour'], version: 0, local: 'pending' })]);
    expect(afterDelete).toEqual([]);
    const path = `/notes/${created.id}`;
    expect(writes(h)).toEqual([
      { method: 'POST', path: '/notes', ifMatch: undefined },
      { method: 'PATCH', path, ifMatch: '1' },
      { method: 'PATCH', path, ifMatch: '2' },
      { method: 'DELETE', path, ifMatch: '3' },
    ]);
    expect(h.server.requests.find((request) => request.method === 'POST')?.body).toMatchObject({ id: created.id, title: 'Draft' });
    expect(h.server.notes.has(created.id)).toBe(false);
    expect(await h.engine.outbox()).toEqual([]);
  });

  it('keeps a change queued when the send gets no answer and sends it on the backoff retry', async () => {
    // Prepare: the signal says online, but the network reaches nothing
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour' });
    await h.engine.sync();
    h.server.offline = true;

    // Act
    await h.engine.updateNote('n1', { title: 'Retried' });
    await h.engine.settled();
    const whileDown = await h.engine.outbox();
    const statusWhileDown = h.engine.status();
    const retryDelays = [...h.clock.timers.values()].map((timer) => timer.ms);
    h.server.offline = false;
    h.clock.runTimers();
    await h.engine.settled();

    // Assess
    expect(whileDown).toEqual([expect.objectContaining({ noteId: 'n1', status: 'pending', attempts: 1 })]);
    expect(statusWhileDown).toMatchObject({ pending: 1, lastError: expect.objectContaining({ code: 'NETWORK_ERROR', status: 0 }) });
    expect(retryDelays).toEqual([1000]);
    expect(await h.engine.outbox()).toEqual([]);
    expect(h.server.notes.get('n1')).toMatchObject({ title: 'Retried', version: 2 });
    expect(h.engine.status()).toMatchObject({ pending: 0, lastError: undefined });
  });
});

describe('conflicts', () => {
  /** n1 at version 1 locally, its title edited offline here while another device changed title and body (version 2). */
  async function conflicted(): Promise<Harness> {
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour', body: 'base' });
    await h.engine.sync();
    goOffline(h);
    await h.engine.updateNote('n1', { title: 'Mine' });
    h.server.editElsewhere('n1', { title: 'Theirs', body: 'theirs' });
    await goOnline(h);
    return h;
  }

  it('a 412 from a change to other fields only is merged: the change is sent again on the new version, no conflict', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour', body: 'base' });
    await h.engine.sync();
    goOffline(h);
    await h.engine.updateNote('n1', { title: 'Mine' });
    h.server.editElsewhere('n1', { body: 'theirs' });

    // Act
    await goOnline(h);
    await h.engine.settled();

    // Assess
    expect(writes(h)).toEqual([
      { method: 'PATCH', path: '/notes/n1', ifMatch: '1' },
      { method: 'PATCH', path: '/notes/n1', ifMatch: '2' },
    ]);
    expect(h.server.notes.get('n1')).toMatchObject({ title: 'Mine', body: 'theirs', version: 3 });
    expect(await h.engine.conflicts()).toEqual([]);
    expect(await h.engine.outbox()).toEqual([]);
    expect(await h.engine.getNote('n1')).toMatchObject({ title: 'Mine', body: 'theirs', version: 3, local: 'synced' });
  });

  it('a queued change behind another is merged against the version the first one produced', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour', body: 'base', tags: [] });
    await h.engine.sync();
    goOffline(h);
    await h.engine.updateNote('n1', { title: 'Mine' });
    await h.engine.updateNote('n1', { tags: ['boats'] });
    const firstAccepted = h.server.onceAfterWrite(() => h.server.editElsewhere('n1', { body: 'theirs' }));

    // Act
    await goOnline(h);
    await h.engine.settled();

    // Assess
    expect(await firstAccepted).toBe(true);
    expect(h.server.notes.get('n1')).toMatchObject({ title: 'Mine', body: 'theirs', tags: ['boats'], version: 4 });
    expect(await h.engine.conflicts()).toEqual([]);
  });

  it('records a 412 with both versions and holds the change', async () => {
    // Prepare + Act
    const h = await conflicted();

    // Assess
    const [conflict] = await h.engine.conflicts();
    expect(conflict).toMatchObject({
      noteId: 'n1',
      changed: { title: 'Mine' },
      mine: expect.objectContaining({ title: 'Mine', body: 'theirs' }),
      theirs: expect.objectContaining({ title: 'Theirs', body: 'theirs', version: 2 }),
    });
    expect(await h.engine.outbox()).toEqual([expect.objectContaining({ noteId: 'n1', status: 'conflict' })]);
    expect(await h.engine.getNote('n1')).toMatchObject({ title: 'Mine', local: 'conflict' });
    expect(writes(h)).toEqual([{ method: 'PATCH', path: '/notes/n1', ifMatch: '1' }]);
  });

  it('keep mine: sends the change again against the server’s current version', async () => {
    // Prepare
    const h = await conflicted();

    // Act
    await h.engine.resolveConflict('n1', { keep: 'mine' });
    await h.engine.settled();

    // Assess
    expect(writes(h).at(-1)).toEqual({ method: 'PATCH', path: '/notes/n1', ifMatch: '2' });
    expect(h.server.notes.get('n1')).toMatchObject({ title: 'Mine', body: 'theirs', version: 3 });
    expect(await h.engine.conflicts()).toEqual([]);
    expect(await h.engine.getNote('n1')).toMatchObject({ title: 'Mine', body: 'theirs', version: 3, local: 'synced' });
  });

  it('keep theirs: drops the change and shows the server’s note', async () => {
    // Prepare
    const h = await conflicted();

    // Act
    await h.engine.resolveConflict('n1', { keep: 'theirs' });
    await h.engine.settled();

    // Assess
    expect(writes(h)).toHaveLength(1);
    expect(await h.engine.outbox()).toEqual([]);
    expect(await h.engine.conflicts()).toEqual([]);
    expect(await h.engine.getNote('n1')).toMatchObject({ title: 'Theirs', body: 'theirs', version: 2, local: 'synced' });
  });

  it('merged: sends the merged fields against the server’s current version', async () => {
    // Prepare
    const h = await conflicted();

    // Act
    await h.engine.resolveConflict('n1', { keep: 'merged', fields: { title: 'Mine', body: 'theirs + mine' } });
    await h.engine.settled();

    // Assess
    expect(writes(h).at(-1)).toEqual({ method: 'PATCH', path: '/notes/n1', ifMatch: '2' });
    expect(h.server.notes.get('n1')).toMatchObject({ title: 'Mine', body: 'theirs + mine', version: 3 });
    expect(await h.engine.getNote('n1')).toMatchObject({ body: 'theirs + mine', local: 'synced' });
  });
});

describe('conflicts on delete', () => {
  it('a delete that meets a newer version becomes a conflict; keep mine deletes against the current version', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour' });
    await h.engine.sync();
    goOffline(h);
    await h.engine.deleteNote('n1');
    h.server.editElsewhere('n1', { title: 'Edited elsewhere' });
    await goOnline(h);
    const [conflict] = await h.engine.conflicts();

    // Act
    await h.engine.resolveConflict('n1', { keep: 'mine' });
    await h.engine.settled();

    // Assess
    expect(conflict).toMatchObject({ noteId: 'n1', changed: null, mine: null, theirs: expect.objectContaining({ title: 'Edited elsewhere', version: 2 }) });
    expect(writes(h)).toEqual([
      { method: 'DELETE', path: '/notes/n1', ifMatch: '1' },
      { method: 'DELETE', path: '/notes/n1', ifMatch: '2' },
    ]);
    expect(h.server.notes.has('n1')).toBe(false);
    expect(await h.engine.listNotes()).toEqual([]);
  });
});

describe('sync', () => {
  it('applies pages idempotently: replaying them, or an older upsert after a newer one, changes nothing', async () => {
    // Prepare
    const h = await boot();
    const v1 = h.server.seed({ id: 'n1', title: 'one' });
    const v2 = h.server.editElsewhere('n1', { title: 'two' });
    h.server.seed({ id: 'n2', title: 'other', ownerId: OTHER });
    await h.engine.sync();
    const first = await h.engine.listNotes();

    // Act
    await h.engine.applyChanges(h.server.log);
    await h.store.applyChanges('all', [], '0');
    await h.engine.sync();
    await h.engine.applyChanges([{ op: 'upsert', note: v1 }]);

    // Assess
    expect(first.map((note) => [note.id, note.title, note.version])).toEqual([
      ['n2', 'other', 1],
      ['n1', 'two', 2],
    ]);
    expect(await h.engine.listNotes()).toEqual(first);
    expect(await h.engine.getNote('n1')).toMatchObject({ version: v2.version, title: 'two' });
    expect((await h.engine.listNotes('own')).map((note) => note.id)).toEqual(['n1']);
    expect((await h.engine.listNotes('shared')).map((note) => note.id)).toEqual(['n2']);
  });

  it('removes a note deleted on the server, and sends a local delete with If-Match', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'gone-there', title: 'a' });
    h.server.seed({ id: 'gone-here', title: 'b' });
    await h.engine.sync();

    // Act
    h.server.deleteElsewhere('gone-there');
    await h.engine.sync();
    await h.engine.deleteNote('gone-here');
    await h.engine.settled();

    // Assess
    expect(await h.engine.listNotes()).toEqual([]);
    expect(await h.store.notes()).toEqual([]);
    expect(writes(h)).toEqual([{ method: 'DELETE', path: '/notes/gone-here', ifMatch: '1' }]);
    expect(h.server.notes.size).toBe(0);
  });

  it('keeps the cursor across a reload: a new engine on the same database asks only for what came after', async () => {
    // Prepare: three changes over two pages
    const server = new FakeNotesApi(ME);
    server.pageSize = 2;
    server.seed({ id: 'n1' });
    server.seed({ id: 'n2' });
    server.seed({ id: 'n3' });
    const first = await boot({ server });
    await first.engine.settled();
    first.engine.stop();
    first.store.close();
    server.seed({ id: 'n4' });
    const before = server.requests.length;

    // Act
    const second = await boot({ server, factory: first.factory });
    await second.engine.settled();

    // Assess
    expect(await first.store.cursor('all').catch(() => 'closed')).toBe('closed');
    expect(server.requests.slice(0, before).map((request) => request.path)).toEqual(['/sync', '/sync']);
    expect(server.requests.slice(before)).toEqual([expect.objectContaining({ method: 'GET', path: '/sync' })]);
    expect(await second.store.cursor('all')).toBe('4');
    expect((await second.engine.listNotes()).map((note) => note.id).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('keeps queued changes across a reload and sends them once back online', async () => {
    // Prepare
    const server = new FakeNotesApi(ME);
    const first = await boot({ server, online: false });
    server.offline = true;
    const created = await first.engine.createNote({ title: 'Written offline' });
    first.engine.stop();
    first.store.close();

    // Act
    const second = await boot({ server, factory: first.factory, online: false });
    const afterReload = await second.engine.listNotes();
    await goOnline(second);

    // Assess
    expect(afterReload).toEqual([expect.objectContaining({ id: created.id, title: 'Written offline', local: 'pending' })]);
    expect(server.notes.get(created.id)).toMatchObject({ title: 'Written offline', version: 1 });
    expect(await second.engine.getNote(created.id)).toMatchObject({ version: 1, local: 'synced' });
  });
});

describe('realtime and resets', () => {
  it('applies a note.changed message at once and catches up through /sync after a seq gap', async () => {
    // Prepare
    const h = await boot();
    const handlers = realtimeHandlers(h.engine);
    const live = h.server.seed({ id: 'live', title: 'pushed' });
    h.server.seed({ id: 'missed', title: 'lost in the gap' });
    const syncsBefore = h.server.requests.filter((request) => request.path === '/sync').length;

    // Act
    handlers.onMessage({ type: 'note.changed', seq: 1, change: { op: 'upsert', note: live } });
    await h.engine.settled();
    const afterMessage = (await h.engine.listNotes()).map((note) => note.id);
    handlers.onGap({ expected: 2, received: 3 });
    await h.engine.settled();

    // Assess
    expect(afterMessage).toEqual(['live']);
    expect(h.server.requests.filter((request) => request.path === '/sync')).toHaveLength(syncsBefore + 1);
    expect((await h.engine.listNotes()).map((note) => note.id)).toEqual(['missed', 'live']);
  });

  it('starts the feed over when the server refuses the saved cursor, keeping the queued changes', async () => {
    // Prepare: a cursor the server did not issue, and a change waiting offline
    const h = await boot({ online: false });
    h.server.offline = true;
    h.server.seed({ id: 'n1', title: 'on the server' });
    await h.store.applyChanges('all', [], '999');
    const created = await h.engine.createNote({ title: 'queued' });

    // Act
    await goOnline(h);

    // Assess
    expect(await h.store.cursor('all')).toBe('1');
    expect((await h.engine.listNotes()).map((note) => [note.id, note.local])).toEqual([
      [created.id, 'synced'],
      ['n1', 'synced'],
    ]);
  });

  it('forgets everything on clear (sign-out)', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'n1' });
    await h.engine.sync();
    goOffline(h);
    await h.engine.updateNote('n1', { title: 'unsent' });

    // Act
    await h.store.clear();

    // Assess
    expect(await h.engine.listNotes()).toEqual([]);
    expect(await h.engine.outbox()).toEqual([]);
    expect(await h.store.cursor('all')).toBeUndefined();
  });
});

/** Web Locks as a browser has them: one holder per name at a time, the others wait in order. */
function fakeLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    locks: {
      request(name: string, callback: () => Promise<void>): Promise<unknown> {
        const run = (tails.get(name) ?? Promise.resolve()).then(callback);
        tails.set(name, run.catch(() => undefined));
        return run;
      },
    },
  };
}

describe('two tabs', () => {
  it('with the web lock, two tabs coming online flush a queued edit once, without a conflict of their own making', async () => {
    // Prepare: two tabs on one database, an edit queued offline
    const server = new FakeNotesApi(ME);
    server.seed({ id: 'n1', title: 'Harbour' });
    const navigator = fakeLocks();
    const exclusive = webLock(navigator, `photonotes-outbox:${ME}`);
    const tabA = await boot({ server, exclusive });
    const tabB = await boot({ server, factory: tabA.factory, exclusive });
    await tabA.engine.settled();
    await tabB.engine.settled();
    goOffline(tabA);
    goOffline(tabB);
    await tabA.engine.updateNote('n1', { title: 'Once' });

    // Act
    server.offline = false;
    tabA.online.set(true);
    tabB.online.set(true);
    await Promise.all([tabA.engine.settled(), tabB.engine.settled()]);

    // Assess
    expect(writes(tabA)).toEqual([{ method: 'PATCH', path: '/notes/n1', ifMatch: '1' }]);
    expect(await tabB.engine.conflicts()).toEqual([]);
    expect(await tabB.engine.outbox()).toEqual([]);
    expect(server.notes.get('n1')).toMatchObject({ title: 'Once', version: 2 });
  });
});

describe('refusals', () => {
  it('marks a change the server refuses as failed with its error, holds that note’s later changes, and lets other notes go on', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour' });
    h.server.seed({ id: 'n2', title: 'Market' });
    await h.engine.sync();
    goOffline(h);
    await h.engine.updateNote('n1', { title: '' });
    await h.engine.updateNote('n1', { body: 'after the bad one' });
    await h.engine.updateNote('n2', { title: 'Market at noon' });

    // Act
    await goOnline(h);

    // Assess
    const outbox = await h.engine.outbox();
    expect(outbox).toEqual([
      expect.objectContaining({ noteId: 'n1', status: 'failed', error: expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED', message: 'title must be 1..200 characters' }) }),
      expect.objectContaining({ noteId: 'n1', status: 'pending', baseVersion: null }),
    ]);
    expect(await h.engine.getNote('n1')).toMatchObject({ local: 'failed' });
    expect(h.server.notes.get('n1')).toMatchObject({ title: 'Harbour', version: 1 });
    expect(h.server.notes.get('n2')).toMatchObject({ title: 'Market at noon', version: 2 });
    expect(writes(h).filter((write) => write.path === '/notes/n1')).toHaveLength(1);
  });

  it('retries a failed change with corrected fields, then sends the held ones', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour' });
    await h.engine.sync();
    goOffline(h);
    await h.engine.updateNote('n1', { title: '' });
    await h.engine.updateNote('n1', { body: 'later' });
    await goOnline(h);
    const [failed] = await h.engine.outbox();

    // Act
    await h.engine.retry(failed?.seq ?? -1, { title: 'Harbour, fixed' });
    await h.engine.settled();

    // Assess
    expect(await h.engine.outbox()).toEqual([]);
    expect(h.server.notes.get('n1')).toMatchObject({ title: 'Harbour, fixed', body: 'later', version: 3 });
    expect(writes(h).map((write) => write.ifMatch)).toEqual(['1', '1', '2']);
  });

  it('discards a failed change and the note’s later ones, showing the server’s note again', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'n1', title: 'Harbour' });
    await h.engine.sync();
    await h.engine.updateNote('n1', { title: '' });
    await h.engine.settled();
    const [failed] = await h.engine.outbox();

    // Act
    await h.engine.discard(failed?.seq ?? -1);

    // Assess
    expect(failed).toMatchObject({ status: 'failed' });
    expect(await h.engine.outbox()).toEqual([]);
    expect(await h.engine.getNote('n1')).toMatchObject({ title: 'Harbour', local: 'synced' });
  });

  it('refuses to edit a note shared with the user: only its owner may', async () => {
    // Prepare
    const h = await boot();
    h.server.seed({ id: 'theirs', ownerId: OTHER, title: 'Shared' });
    await h.engine.sync();

    // Act
    const attempt = h.engine.updateNote('theirs', { title: 'Hijacked' });

    // Assess
    await expect(attempt).rejects.toThrow('only its owner edits it');
    expect(await h.engine.outbox()).toEqual([]);
  });
});
