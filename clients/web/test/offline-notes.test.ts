// The app's wiring of the offline layer: the NotesSource over the engine, the realtime URL and token provider,
// and one user's store + engine + channel opened and shut together (on fake-indexeddb and the fake notes API).
import { IDBFactory } from 'fake-indexeddb';
import { createClient } from '@photonotes/client';
import type { RealtimeOptions } from '@photonotes/client';
import { manualOnlineSignal, openOfflineStore } from '../src/offline';
import type { IdbFactory, LocalNote, SyncEngine } from '../src/offline';
import { offlineNotesSource, openOfflineNotes, realtimeUrl, sessionTokens, statusText, unsentWarning } from '../src/offline-notes';
import { FakeNotesApi } from './offline/fake-api';
import { createRealtimeHub } from '../src/realtime-hub';

const ME = 'user-me';

/** `read()` again until `done` holds of its answer (the engine's start is not awaited by design), for up to 2 s. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 2_000;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await read();
  }
  return value;
}

function local(id: string, createdAt: string, updatedAt: string): LocalNote {
  return { id, ownerId: ME, title: id, body: '', tags: [], visibility: 'private', sharedWith: [], photo: null, version: 1, createdAt, updatedAt, local: 'synced' } as LocalNote;
}

describe('offlineNotesSource', () => {
  test('lists what the engine holds newest first by creation in one page, and writes through the engine', async () => {
    // Prepare
    const calls: string[] = [];
    const listeners: Array<() => void> = [];
    const engine: Pick<SyncEngine, 'listNotes' | 'createNote' | 'updateNote' | 'onChange'> = {
      listNotes: async (scope) => {
        calls.push(`list:${scope ?? ''}`);
        return [local('old-but-edited', '2026-11-01T00:00:00.000Z', '2026-11-05T00:00:00.000Z'), local('newer', '2026-11-03T00:00:00.000Z', '2026-11-03T00:00:00.000Z')];
      },
      createNote: async (fields) => {
        calls.push(`create:${fields.title}`);
        return { ...local('new', '2026-11-06T00:00:00.000Z', '2026-11-06T00:00:00.000Z'), local: 'pending' };
      },
      updateNote: async (id, fields) => {
        calls.push(`update:${id}:${fields.title ?? ''}`);
        return { ...local(id, '2026-11-01T00:00:00.000Z', '2026-11-06T00:00:00.000Z'), local: 'pending' };
      },
      onChange: (listener) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    };
    const source = offlineNotesSource(engine);
    let heard = 0;

    // Act
    const page = await source.list('own', null);
    await source.create({ title: 'A', body: '', tags: [] });
    await source.update('old-but-edited', 7, { title: 'B', body: '', tags: [] });
    const unwatch = source.watch?.(() => (heard += 1));
    listeners.forEach((listener) => listener());
    unwatch?.();

    // Assess
    expect(page.items.map((note) => note.id)).toEqual(['newer', 'old-but-edited']);
    expect(page.nextCursor).toBeNull();
    expect(calls).toEqual(['list:own', 'create:A', 'update:old-but-edited:B']);
    expect(heard).toBe(1);
    expect(listeners).toHaveLength(0);
  });
});

describe('realtime wiring', () => {
  test('the realtime URL is the API base over ws(s) with /realtime', () => {
    // Act & Assess
    expect(realtimeUrl('http://localhost:3000')).toBe('ws://localhost:3000/realtime');
    expect(realtimeUrl('https://api.example.com/')).toBe('wss://api.example.com/realtime');
  });

  test("a build that names the stage's realtime URL connects there, not under the API base", () => {
    // Act & Assess
    expect(realtimeUrl('https://abc.execute-api.eu-west-1.amazonaws.com', 'wss://xyz.execute-api.eu-west-1.amazonaws.com/dev/')).toBe('wss://xyz.execute-api.eu-west-1.amazonaws.com/dev');
    expect(realtimeUrl('https://abc.execute-api.eu-west-1.amazonaws.com', '')).toBe('wss://abc.execute-api.eu-west-1.amazonaws.com/realtime');
  });

  test("the token provider gives the session's token, and refreshes it through one authenticated call", async () => {
    // Prepare
    let token = 'old';
    const paths: string[] = [];
    const session = {
      get tokens() {
        return { accessToken: token, idToken: 'id', refreshToken: 'refresh' };
      },
      api: createClient({
        baseUrl: 'http://api.test',
        fetch: async (input) => {
          paths.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
          token = 'new';
          return new Response(JSON.stringify({ userId: ME }), { status: 200, headers: { 'content-type': 'application/json' } });
        },
      }),
    };
    const provider = sessionTokens(session);

    // Act
    const before = await provider.get();
    const refreshed = await provider.refresh?.();

    // Assess
    expect(before).toBe('old');
    expect(refreshed).toBe('new');
    expect(paths).toEqual(['/users/me']);
  });
});

describe('statusText', () => {
  test('says online or offline and how many changes wait, in words', () => {
    // Prepare
    const base = { online: true, syncing: false, flushing: false, pending: 0, lastError: undefined };

    // Act & Assess
    expect(statusText(base)).toBe('Online · all changes saved');
    expect(statusText({ ...base, online: false, pending: 1 })).toBe('Offline · 1 change waiting');
    expect(statusText({ ...base, pending: 3, flushing: true })).toBe('Online · 3 changes waiting · syncing…');
  });
});

describe('openOfflineNotes', () => {
  test("opens the user's store, syncs, connects realtime with the engine's handlers; sign-out sends what waits, closes and clears", async () => {
    // Prepare
    const server = new FakeNotesApi(ME);
    server.seed({ id: '00000000-0000-4000-8000-000000000001', title: 'On the server' });
    const factory = new IDBFactory() as IdbFactory;
    const connections: Array<RealtimeOptions & { closed: boolean }> = [];
    const api = createClient({ baseUrl: 'http://api.test', fetch: server.fetch, tokens: { get: () => 'token' } });
    const online = manualOnlineSignal(true);

    // Act
    const notes = await openOfflineNotes({
      session: { api, tokens: { accessToken: 'token', idToken: 'id', refreshToken: 'refresh' } },
      userId: ME,
      baseUrl: 'http://api.test',
      indexedDB: factory,
      online,
      exclusive: (work) => work(),
      connect: (options) => {
        const connection = { ...options, closed: false };
        connections.push(connection);
        return { status: 'open', subscribe: () => undefined, close: () => (connection.closed = true) };
      },
    });
    const synced = await eventually(() => notes.source.list('own', null), (page) => page.items.length > 0);
    online.set(false);
    await notes.source.create({ title: 'Written offline', body: '', tags: [] });
    online.set(true);
    const shutting = notes.shut({ clear: true });
    await notes.shut({ clear: true });
    await shutting;
    const reopened = await openOfflineStore(factory, `photonotes-offline:${ME}`);
    const left = [...(await reopened.notes()), ...(await reopened.outbox())];
    reopened.close();

    // Assess
    expect(synced.items.map((note) => note.title)).toEqual(['On the server']);
    expect(connections).toHaveLength(1);
    expect(connections[0]?.url).toBe('ws://api.test/realtime');
    expect(typeof connections[0]?.onGap).toBe('function');
    expect(connections[0]?.closed).toBe(true);
    expect([...server.notes.values()].map((note) => note.title).sort()).toEqual(['On the server', 'Written offline']);
    expect(left).toEqual([]);
  });
});

describe('openOfflineNotes with the realtime hub', () => {
  test('hands every message of its one channel to the hub, sends the hub its thing subscriptions, asks for a resync after a reconnect or a gap, and detaches on shut', async () => {
    // Prepare
    const server = new FakeNotesApi(ME);
    const api = createClient({ baseUrl: 'http://api.test', fetch: server.fetch, tokens: { get: () => 'token' } });
    const hub = createRealtimeHub();
    const heard: string[] = [];
    hub.listen((message) => heard.push(message.type));
    const connections: RealtimeOptions[] = [];
    const subscribed: string[][] = [];

    // Act
    const notes = await openOfflineNotes({
      session: { api, tokens: { accessToken: 'token', idToken: 'id', refreshToken: 'refresh' } },
      userId: ME,
      baseUrl: 'http://api.test',
      indexedDB: new IDBFactory() as IdbFactory,
      online: manualOnlineSignal(true),
      exclusive: (work) => work(),
      hub,
      connect: (options) => {
        connections.push(options);
        return { status: 'open', subscribe: (things) => subscribed.push(things), close: () => undefined };
      },
    });
    connections[0]?.onMessage?.({ type: 'notification', seq: 1, notification: { id: 'n1', type: 'thing.alert', title: 't', body: 'b', data: {}, createdAt: '2026-11-01T00:00:00.000Z', readAt: null } });
    connections[0]?.onMessage?.({ type: 'thing.telemetry', thingId: 't1', at: '2026-11-01T00:00:00.000Z', metrics: { temp: 1 } });
    const stop = hub.watchThings(['t1']);
    let resyncs = 0;
    hub.onResync(() => (resyncs += 1));
    connections[0]?.onOpen?.({ reconnected: false });
    connections[0]?.onOpen?.({ reconnected: true });
    connections[0]?.onGap?.({ expected: 2, received: 3 });
    await notes.shut({ clear: true });
    stop();

    // Assess
    expect(connections).toHaveLength(1);
    expect(heard).toEqual(['notification', 'thing.telemetry']);
    expect(subscribed).toEqual([['t1']]);
    expect(resyncs).toBe(2);
  });
});

describe('unsentWarning', () => {
  test('nothing unsent: no warning', () => {
    // Act
    const warning = unsentWarning([]);

    // Assess
    expect(warning).toBeNull();
  });

  test('one change waiting', () => {
    // Act
    const warning = unsentWarning([{ status: 'pending' }]);

    // Assess
    expect(warning).toBe('1 change has not reached the server (1 waiting to sync). Signing out deletes it from this browser.');
  });

  test('changes of every kind are counted by kind', () => {
    // Act
    const warning = unsentWarning([{ status: 'pending' }, { status: 'pending' }, { status: 'failed' }, { status: 'conflict' }]);

    // Assess
    expect(warning).toBe('4 changes have not reached the server (2 waiting to sync, 1 refused by the server, 1 in conflict). Signing out deletes them from this browser.');
  });
});
