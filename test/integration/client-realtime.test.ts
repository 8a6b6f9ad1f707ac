// The typed client's realtime channel against the local platform (API.md "Realtime" and `/sync?scope=all`): an app's
// session opens /realtime through the gateway, receives its own and shared changes live, loses its network, and
// after the reconnect catches up from /sync (not from live messages) everything written meanwhile, including an
// unshare, without a reload.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createSession } from '@photonotes/client';
import type { NoteChange, RealtimeMessage, Session, SyncedRealtime } from '@photonotes/client';
import { baseUrl } from '../support/api';
import { untilShareable } from '../support/users';

/**
 * `ws` as the channel's WebSocket, keeping the sockets so a test can cut one off as a lost network would, and with a
 * network that can be down: while `offline`, opening a socket fails at once (the channel retries with its backoff).
 */
function droppableSockets() {
  const sockets: WebSocket[] = [];
  const network = { offline: false };
  class Droppable extends WebSocket {
    constructor(url: string) {
      if (network.offline) throw new Error('network unreachable');
      super(url);
      sockets.push(this);
    }
  }
  return { WebSocket: Droppable, sockets, network, drop: () => sockets.at(-1)?.terminate() };
}

/** The change ids each GET /sync answer carried, in order (the session's fetch, watched). */
function watchedSync() {
  const pages: string[][] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (new URL(url).pathname === '/sync' && response.ok) {
      const page = (await response.clone().json()) as { changes: NoteChange[] };
      pages.push(page.changes.map((change) => (change.op === 'delete' ? `delete:${change.id}` : `upsert:${change.note.id}`)));
    }
    return response;
  };
  return { pages, fetch: fetchImpl };
}

async function signedIn(prefix: string, fetchImpl?: typeof fetch): Promise<{ session: Session; userId: string }> {
  const credentials = { email: `${prefix}-${randomUUID().slice(0, 8)}@example.com`, password: `Passw0rd-${randomUUID().slice(0, 8)}`, displayName: prefix };
  const session = createSession({ baseUrl: baseUrl(), ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const account = await session.api.post('/auth/signup', { body: credentials });
  await session.logIn(credentials.email, credentials.password);
  await untilShareable(account.userId);
  return { session, userId: account.userId };
}

/** Waits (polling, generous) until `check` holds. */
async function until(check: () => boolean, what: string | (() => string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'string' ? what : what()}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An app's local store: notes by id, applied by version as the client's docs say (deletes always win). */
function appStore() {
  const notes = new Map<string, number>();
  const live: RealtimeMessage[] = [];
  const apply = (changes: NoteChange[]) => {
    for (const change of changes) {
      if (change.op === 'delete') notes.delete(change.id);
      else if ((notes.get(change.note.id) ?? 0) < change.note.version) notes.set(change.note.id, change.note.version);
    }
  };
  return { notes, live, apply };
}

let ada: Awaited<ReturnType<typeof signedIn>>;
let bob: Awaited<ReturnType<typeof signedIn>>;
const adaSync = watchedSync();
const open: SyncedRealtime[] = [];

beforeAll(async () => {
  [ada, bob] = await Promise.all([signedIn('rt-ada', adaSync.fetch), signedIn('rt-bob')]);
});

afterAll(() => {
  for (const channel of open) channel.close();
});

describe('session.realtime()', () => {
  test('catches up on connect, then gets own and shared changes live', async () => {
    // Prepare: a note from before the app connected
    const before = await ada.session.api.post('/notes', { body: { title: 'before connecting' } });
    const store = appStore();
    const sockets = droppableSockets();

    // Act
    const channel = ada.session.realtime({ WebSocket: sockets.WebSocket, onChanges: store.apply, onMessage: (m) => store.live.push(m) });
    open.push(channel);
    await until(() => store.notes.has(before.id), 'the earlier note from /sync');
    const mine = await ada.session.api.post('/notes', { body: { title: 'written while connected' } });
    const shared = await bob.session.api.post('/notes', { body: { title: 'for ada', sharedWith: [ada.userId] } });
    // The share's notification is sent beside its note.changed, in no set order: wait for both.
    await until(() => store.notes.has(mine.id) && store.notes.has(shared.id) && store.live.some((m) => m.type === 'notification'), 'the live changes and the notification');

    // Assess
    expect(channel.status).toBe('open');
    const liveIds = store.live.flatMap((m) => (m.type === 'note.changed' && m.change.op === 'upsert' ? [m.change.note.id] : []));
    expect(liveIds).toEqual(expect.arrayContaining([mine.id, shared.id]));
    expect(store.live.some((m) => m.type === 'notification')).toBe(true);
    channel.close();
  });

  test('after a lost connection, the reconnect catches up from /sync what was written meanwhile, an unshare included', async () => {
    // Prepare: the app's channel, and ada's other device connected the whole time (it tells when the fan-out of the
    // changes made while the app is offline is over: one fan-out covers all of a user's connections).
    const shared = await bob.session.api.post('/notes', { body: { title: 'shared, then unshared', sharedWith: [ada.userId] } });
    const store = appStore();
    const sockets = droppableSockets();
    const errors: unknown[] = [];
    const channel = ada.session.realtime({ WebSocket: sockets.WebSocket, onChanges: store.apply, onMessage: (m) => store.live.push(m), onSyncError: (e) => errors.push(e), backoff: { initialMs: 500, maxMs: 500 } });
    const otherDevice: RealtimeMessage[] = [];
    const watcher = ada.session.realtime({ WebSocket, onChanges: () => undefined, onMessage: (m) => otherDevice.push(m) });
    open.push(channel, watcher);
    await until(() => store.notes.has(shared.id) && channel.status === 'open' && watcher.status === 'open', 'the shared note');

    // Act: the network goes; meanwhile ada writes on another device and bob unshares; the network comes back only
    // once those changes' fan-out is over, so they can reach the app by /sync alone.
    sockets.network.offline = true;
    sockets.drop();
    await until(() => channel.status !== 'open', 'the drop to be noticed');
    const elsewhere = await ada.session.api.post('/notes', { body: { title: 'written on another device' } });
    await bob.session.api.patch('/notes/{id}', { params: { id: shared.id }, body: { sharedWith: [] } });
    const liveTo = (messages: RealtimeMessage[]) => messages.flatMap((m) => (m.type === 'note.changed' ? [m.change.op === 'delete' ? `delete:${m.change.id}` : `upsert:${m.change.note.id}`] : []));
    await until(() => liveTo(otherDevice).includes(`upsert:${elsewhere.id}`) && liveTo(otherDevice).includes(`delete:${shared.id}`), 'the fan-out to the other device');
    const syncPagesBefore = adaSync.pages.length;
    sockets.network.offline = false;
    await until(() => channel.status === 'open', 'the reconnect', 30_000);
    await until(() => store.notes.has(elsewhere.id) && !store.notes.has(shared.id), () => `the catch-up (${JSON.stringify({ errors: errors.map(String), sockets: sockets.sockets.length, status: channel.status, notes: [...store.notes.keys()], elsewhere: elsewhere.id, shared: shared.id })})`);
    await channel.settled();

    // Assess: both changes came in a /sync answer after the reconnect, and neither as a live message to the app.
    const synced = adaSync.pages.slice(syncPagesBefore).flat();
    expect(sockets.sockets.length).toBeGreaterThanOrEqual(2);
    expect(synced).toEqual(expect.arrayContaining([`upsert:${elsewhere.id}`, `delete:${shared.id}`]));
    expect(liveTo(store.live)).not.toContain(`upsert:${elsewhere.id}`);
    expect(liveTo(store.live)).not.toContain(`delete:${shared.id}`);
    expect(store.notes.has(elsewhere.id)).toBe(true);
    expect(store.notes.has(shared.id)).toBe(false);
    expect(channel.cursor).toEqual(expect.any(String));
    channel.close();
    watcher.close();
  });
});
