// The realtime channel on a fake WebSocket and fake timers: token in the URL, refresh before connecting,
// reconnect with backoff, pings, subscriptions after each reconnect, seq gaps, and /sync catch-ups.
import { ApiError, connectRealtime, createClient, syncWithRealtime, tokenExpiry } from '../src';
import type { NoteChange, RealtimeMessage, RealtimeStatus, WebSocketLike } from '../src';

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closedWith: number | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  /** The server side of the fake. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

/** A JWT-shaped token (unsigned) that expires at `exp` (seconds). */
function jwt(exp: number, name = 'a'): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: name, exp })}.sig`;
}

const tokenOf = (url: string) => decodeURIComponent(url.split('token=')[1] ?? '');
const subjectOf = (url: string) => (JSON.parse(Buffer.from(tokenOf(url).split('.')[1] ?? '', 'base64url').toString()) as { sub: string }).sub;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Lets pending promises (token lookups, refreshes) settle under fake timers. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function latest(): FakeSocket {
  const socket = FakeSocket.all.at(-1);
  if (!socket) throw new Error('no socket was opened');
  return socket;
}

beforeEach(() => {
  FakeSocket.all = [];
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('connectRealtime', () => {
  test('connects with the token in the query, subscribes once open and reports its status', async () => {
    // Prepare
    const token = jwt(nowSeconds() + 3600);
    const statuses: RealtimeStatus[] = [];
    const messages: RealtimeMessage[] = [];

    // Act
    const channel = connectRealtime({ url: 'ws://api.test/realtime', tokens: { get: () => token }, WebSocket: FakeSocket, things: ['t-1'], onStatus: (s) => statuses.push(s), onMessage: (m) => messages.push(m) });
    await settle();
    latest().open();
    latest().receive({ type: 'subscribed', things: ['t-1'] });
    latest().receive('not json');

    // Assess
    expect(latest().url).toBe(`ws://api.test/realtime?token=${encodeURIComponent(token)}`);
    expect(latest().sent).toEqual([JSON.stringify({ action: 'subscribe', things: ['t-1'] })]);
    expect(messages).toEqual([{ type: 'subscribed', things: ['t-1'] }]);
    expect(channel.status).toBe('open');
    expect(statuses).toEqual(['connecting', 'open']);
    channel.close();
  });

  test('pings before the server idle limit', async () => {
    // Prepare
    const channel = connectRealtime({ url: 'ws://api.test/realtime', tokens: { get: () => jwt(nowSeconds() + 3600) }, WebSocket: FakeSocket, pingIntervalMs: 1000 });
    await settle();
    latest().open();

    // Act
    jest.advanceTimersByTime(3500);

    // Assess
    expect(latest().sent).toEqual(['{"action":"ping"}', '{"action":"ping"}', '{"action":"ping"}']);
    channel.close();
  });

  test('reconnects after a drop with growing, jittered delays, and subscribes again', async () => {
    // Prepare
    const opened: boolean[] = [];
    const channel = connectRealtime({
      url: 'ws://api.test/realtime',
      tokens: { get: () => jwt(nowSeconds() + 3600) },
      WebSocket: FakeSocket,
      things: ['t-1'],
      backoff: { initialMs: 100, maxMs: 1000 },
      random: () => 0.999,
      onOpen: ({ reconnected }) => opened.push(reconnected),
    });
    await settle();
    latest().open();

    // Act: dropped, then two refused attempts, then one that opens
    latest().drop();
    jest.advanceTimersByTime(98);
    await settle();
    const beforeFirstDelay = FakeSocket.all.length;
    jest.advanceTimersByTime(2);
    await settle();
    latest().drop();
    jest.advanceTimersByTime(199);
    await settle();
    latest().drop();
    jest.advanceTimersByTime(399);
    await settle();
    latest().open();

    // Assess
    expect(beforeFirstDelay).toBe(1);
    expect(FakeSocket.all).toHaveLength(4);
    expect(opened).toEqual([false, true]);
    expect(latest().sent).toEqual([JSON.stringify({ action: 'subscribe', things: ['t-1'] })]);
    expect(channel.status).toBe('open');
    channel.close();
  });

  test('an expiring token is refreshed before connecting, and a refused connection refreshes once', async () => {
    // Prepare
    let token = jwt(nowSeconds() + 5, 'old');
    const refresh = jest.fn(async () => {
      token = jwt(nowSeconds() + 3600, `fresh-${refresh.mock.calls.length}`);
      return token;
    });
    const channel = connectRealtime({ url: 'ws://api.test/realtime', tokens: { get: () => token, refresh }, WebSocket: FakeSocket, random: () => 0 });

    // Act
    await settle();
    const firstUrl = latest().url;
    latest().drop(); // refused before it opened (a revoked token looks like this to a browser)
    jest.advanceTimersByTime(0);
    await settle();
    const secondUrl = latest().url;
    latest().drop();
    jest.advanceTimersByTime(0);
    await settle();

    // Assess
    expect(subjectOf(firstUrl)).toBe('fresh-1');
    expect(tokenExpiry(tokenOf(firstUrl))).toBeGreaterThan(nowSeconds() + 3000);
    expect(subjectOf(secondUrl)).toBe('fresh-2');
    expect(subjectOf(latest().url)).toBe('fresh-2'); // the second refusal in a row does not refresh again
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(FakeSocket.all).toHaveLength(3);
    channel.close();
  });

  test('a refused refresh (signed out) stops the channel', async () => {
    // Prepare
    const refresh = jest.fn(async () => {
      throw new ApiError({ status: 401, code: 'UNAUTHORIZED', message: 'refresh token revoked' });
    });

    // Act
    const channel = connectRealtime({ url: 'ws://api.test/realtime', tokens: { get: () => jwt(nowSeconds() - 10), refresh }, WebSocket: FakeSocket });
    await settle();
    jest.advanceTimersByTime(60_000);
    await settle();

    // Assess
    expect(FakeSocket.all).toHaveLength(0);
    expect(channel.status).toBe('closed');
  });

  test('close() closes the socket and never reconnects', async () => {
    // Prepare
    const channel = connectRealtime({ url: 'ws://api.test/realtime', tokens: { get: () => jwt(nowSeconds() + 3600) }, WebSocket: FakeSocket });
    await settle();
    latest().open();

    // Act
    channel.close();
    latest().drop(1000);
    jest.advanceTimersByTime(120_000);
    await settle();

    // Assess
    expect(latest().closedWith).toBe(1000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(channel.status).toBe('closed');
  });

  test('a missing seq counts as a gap only if it does not arrive within the grace period', async () => {
    // Prepare
    const gaps: Array<{ expected: number; received: number }> = [];
    const channel = connectRealtime({ url: 'ws://api.test/realtime', tokens: { get: () => jwt(nowSeconds() + 3600) }, WebSocket: FakeSocket, gapGraceMs: 1000, onGap: (gap) => gaps.push(gap) });
    await settle();
    latest().open();
    const message = (seq: number) => ({ type: 'notification', seq, notification: {} });

    // Act: 2 comes late but within the grace; 5 never comes
    latest().receive(message(1));
    latest().receive(message(3));
    jest.advanceTimersByTime(500);
    latest().receive(message(2));
    jest.advanceTimersByTime(1000);
    const afterReorder = gaps.length;
    latest().receive(message(4));
    latest().receive(message(6));
    jest.advanceTimersByTime(1000);

    // Assess
    expect(afterReorder).toBe(0);
    expect(gaps).toEqual([{ expected: 5, received: 6 }]);
    channel.close();
  });
});

describe('syncWithRealtime', () => {
  const upsert = (id: string, version: number): NoteChange => ({
    op: 'upsert',
    note: { id, ownerId: 'u', title: id, body: '', tags: [], visibility: 'private', sharedWith: [], photo: null, version, createdAt: '2026-11-30T10:00:00.000Z', updatedAt: '2026-11-30T10:00:00.000Z' },
  });

  function syncServer(pages: Array<{ changes: NoteChange[]; cursor: string; hasMore: boolean }>) {
    const urls: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      urls.push(String(input));
      const page = pages.shift();
      if (!page) throw new Error(`unexpected ${String(input)}`);
      return new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof globalThis.fetch;
    return { api: createClient({ baseUrl: 'http://api.test', fetch, tokens: { get: () => 'access' } }), urls };
  }

  test('every connection walks /sync?scope=all from the kept cursor; live changes go to the same place', async () => {
    // Prepare
    const { api, urls } = syncServer([
      { changes: [upsert('a', 1)], cursor: 'c1', hasMore: true },
      { changes: [upsert('b', 1)], cursor: 'c2', hasMore: false },
      { changes: [], cursor: 'c3', hasMore: false },
    ]);
    const applied: Array<[string[], string | undefined]> = [];
    const channel = syncWithRealtime({
      api,
      url: 'ws://api.test/realtime',
      tokens: { get: () => jwt(nowSeconds() + 3600) },
      WebSocket: FakeSocket,
      cursor: 'c0',
      random: () => 0,
      onChanges: (changes, cursor) => {
        applied.push([changes.map((c) => (c.op === 'upsert' ? `${c.note.id}@${c.note.version}` : `-${c.id}`)), cursor]);
      },
    });
    await settle();

    // Act
    latest().open();
    await channel.settled();
    latest().receive({ type: 'note.changed', seq: 1, change: upsert('a', 2) });
    latest().drop();
    jest.advanceTimersByTime(0);
    await settle();
    latest().open();
    await channel.settled();

    // Assess
    expect(urls).toEqual(['http://api.test/sync?scope=all&cursor=c0', 'http://api.test/sync?scope=all&cursor=c1', 'http://api.test/sync?scope=all&cursor=c2']);
    expect(applied).toEqual([
      [['a@1'], 'c1'],
      [['b@1'], 'c2'],
      [['a@2'], undefined],
      [[], 'c3'],
    ]);
    expect(channel.cursor).toBe('c3');
    channel.close();
  });

  test('a gap in seq catches up; a failed catch-up is reported and retried by itself from the same cursor', async () => {
    // Prepare
    const pages: Array<{ changes: NoteChange[]; cursor: string; hasMore: boolean }> = [{ changes: [], cursor: 'c1', hasMore: false }];
    const { api, urls } = syncServer(pages);
    const errors: unknown[] = [];
    const channel = syncWithRealtime({ api, url: 'ws://api.test/realtime', tokens: { get: () => jwt(nowSeconds() + 3600) }, WebSocket: FakeSocket, gapGraceMs: 100, onChanges: () => undefined, onSyncError: (e) => errors.push(e) });
    await settle();
    latest().open();
    await channel.settled();

    // Act: seq 2 never arrives → catch-up, which fails (no page queued); it is retried after 1 s by itself
    latest().receive({ type: 'notification', seq: 1, notification: {} });
    latest().receive({ type: 'notification', seq: 3, notification: {} });
    jest.advanceTimersByTime(100);
    await channel.settled();
    const afterFailure = urls.length;
    pages.push({ changes: [], cursor: 'c2', hasMore: false });
    jest.advanceTimersByTime(999);
    await settle();
    const beforeRetry = urls.length;
    jest.advanceTimersByTime(1);
    await settle();
    await channel.settled();

    // Assess
    expect(errors).toHaveLength(1);
    expect(beforeRetry).toBe(afterFailure);
    expect(urls.slice(1)).toEqual(['http://api.test/sync?scope=all&cursor=c1', 'http://api.test/sync?scope=all&cursor=c1']);
    expect(channel.cursor).toBe('c2');
    channel.close();
  });
});
