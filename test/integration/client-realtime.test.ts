// The typed client's realtime channel against the local platform (API.md "Realtime" and `/sync?scope=all`): an app's
// session opens /realtime through the gateway, receives its own and shared changes live, loses its network, and
// after the reconnect catches up from /sync everything written meanwhile, including an unshare, without a reload.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createSession } from '@photonotes/client';
import type { NoteChange, RealtimeMessage, Session, SyncedRealtime } from '@photonotes/client';
import { baseUrl } from '../support/api';
import { untilShareable } from '../support/users';

/** `ws` as the channel's WebSocket, keeping the sockets so a test can cut one off as a lost network would. */
function droppableSockets() {
  const sockets: WebSocket[] = [];
  class Droppable extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { WebSocket: Droppable, sockets, drop: () => sockets.at(-1)?.terminate() };
}

async function signedIn(prefix: string): Promise<{ session: Session; userId: string }> {
  const credentials = { email: `${prefix}-${randomUUID().slice(0, 8)}@example.com`, password: `Passw0rd-${randomUUID().slice(0, 8)}`, displayName: prefix };
  const session = createSession({ baseUrl: baseUrl() });
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
const open: SyncedRealtime[] = [];

beforeAll(async () => {
  [ada, bob] = await Promise.all([signedIn('rt-ada'), signedIn('rt-bob')]);
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
    await until(() => store.notes.has(mine.id) && store.notes.has(shared.id), 'the live changes');

    // Assess
    expect(channel.status).toBe('open');
    const liveIds = store.live.flatMap((m) => (m.type === 'note.changed' && m.change.op === 'upsert' ? [m.change.note.id] : []));
    expect(liveIds).toEqual(expect.arrayContaining([mine.id, shared.id]));
    expect(store.live.some((m) => m.type === 'notification')).toBe(true);
    channel.close();
  });

  test('after a lost connection, the reconnect catches up what was written meanwhile, an unshare included', async () => {
    // Prepare
    const shared = await bob.session.api.post('/notes', { body: { title: 'shared, then unshared', sharedWith: [ada.userId] } });
    const store = appStore();
    const sockets = droppableSockets();
    const errors: unknown[] = [];
    const channel = ada.session.realtime({ WebSocket: sockets.WebSocket, onChanges: store.apply, onSyncError: (e) => errors.push(e), backoff: { initialMs: 1500, maxMs: 1500 } });
    open.push(channel);
    await until(() => store.notes.has(shared.id) && channel.status === 'open', 'the shared note');

    // Act: the network goes; meanwhile ada writes on another device and bob unshares
    sockets.drop();
    await until(() => channel.status !== 'open', 'the drop to be noticed');
    const elsewhere = await ada.session.api.post('/notes', { body: { title: 'written on another device' } });
    await bob.session.api.patch('/notes/{id}', { params: { id: shared.id }, body: { sharedWith: [] } });
    await until(() => channel.status === 'open', 'the reconnect', 30_000);
    await until(() => store.notes.has(elsewhere.id) && !store.notes.has(shared.id), () => `the catch-up (${JSON.stringify({ errors: errors.map(String), sockets: sockets.sockets.length, status: channel.status, notes: [...store.notes.keys()], elsewhere: elsewhere.id, shared: shared.id })})`);
    await channel.settled();

    // Assess
    expect(sockets.sockets.length).toBeGreaterThanOrEqual(2);
    expect(store.notes.has(elsewhere.id)).toBe(true);
    expect(store.notes.has(shared.id)).toBe(false);
    expect(channel.cursor).toEqual(expect.any(String));
    channel.close();
  });
});
