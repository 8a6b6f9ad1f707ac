// The inbox model: pages of GET /notifications merged newest first, live arrivals, marking read (one, or all the
// loaded unread ones in chunks of the contract's 100 ids), a refused mark undone, and concurrent refreshes sharing
// one read.
import { ApiError, createClient } from '@photonotes/client';
import { chunks, createInbox, mergeItems, unreadCount, type InboxItem } from '../src/inbox';

function item(id: string, createdAt: string, readAt: string | null = null): InboxItem {
  return { id, type: 'thing.alert', title: `Alert ${id}`, body: 'temp above 30', data: { thingId: 't1' }, createdAt, readAt };
}

/** A fake notifications API: pages of `items` by `limit`, POST /notifications/read recorded (or refused). */
function fakeApi(items: InboxItem[], options: { refuseRead?: boolean } = {}) {
  const reads: string[][] = [];
  const queries: string[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const json = (status: number, body: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/notifications' && (init?.method ?? 'GET') === 'GET') {
      queries.push(url.search);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const page = items.slice(start, start + limit);
      return json(200, { items: page, nextCursor: start + limit < items.length ? String(start + limit) : null });
    }
    if (url.pathname === '/notifications/read') {
      if (options.refuseRead) return json(503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'Try again.', requestId: 'r' } });
      reads.push((JSON.parse(String(init?.body)) as { ids: string[] }).ids);
      return json(204, undefined);
    }
    return json(404, { error: { code: 'NOT_FOUND', message: 'no', requestId: 'r' } });
  };
  return { api: createClient({ baseUrl: 'http://api.test', fetch, tokens: { get: () => 'token' } }), reads, queries };
}

describe('inbox helpers', () => {
  test('mergeItems keeps one copy per id, newest first, and keeps a read mark a stale copy lacks', () => {
    // Act
    const merged = mergeItems([item('a', '2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z'), item('b', '2026-11-03T00:00:00.000Z')], [item('a', '2026-11-01T00:00:00.000Z'), item('c', '2026-11-02T00:00:00.000Z')]);

    // Assess
    expect(merged.map((entry) => [entry.id, entry.readAt])).toEqual([
      ['b', null],
      ['c', null],
      ['a', '2026-11-02T00:00:00.000Z'],
    ]);
    expect(unreadCount(merged)).toBe(2);
  });

  test('chunks split at the size', () => {
    // Assess
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('createInbox', () => {
  const all = Array.from({ length: 130 }, (_, index) => item(`n${String(index).padStart(3, '0')}`, new Date(Date.UTC(2026, 10, 1) - index * 60_000).toISOString()));

  test('loads pages, takes live arrivals, and marks all loaded unread items read in chunks of 100', async () => {
    // Prepare
    const server = fakeApi(all);
    const inbox = createInbox(server.api, { pageSize: 100, now: () => new Date('2026-11-05T00:00:00.000Z') });
    let changes = 0;
    inbox.onChange(() => (changes += 1));

    // Act
    await inbox.refresh();
    const firstPage = inbox.state().items.length;
    await inbox.loadMore();
    inbox.arrived(item('live', '2026-11-04T00:00:00.000Z'));
    await inbox.markAllRead();

    // Assess
    expect(firstPage).toBe(100);
    expect(server.queries).toEqual(['?limit=100', '?limit=100&cursor=100']);
    expect(inbox.state().items).toHaveLength(131);
    expect(inbox.state().items[0]?.id).toBe('live');
    expect(inbox.state().nextCursor).toBeNull();
    expect(server.reads.map((ids) => ids.length)).toEqual([100, 31]);
    expect(unreadCount(inbox.state().items)).toBe(0);
    expect(inbox.state().items[0]?.readAt).toBe('2026-11-05T00:00:00.000Z');
    expect(changes).toBeGreaterThan(4);
  });

  test('a refresh while the first page is being read is that same read: one GET, and a later refresh reads again', async () => {
    // Prepare
    const server = fakeApi(all.slice(0, 3));
    const inbox = createInbox(server.api);

    // Act: the app's refresh on sign-in and the Inbox screen's on opening, at once
    const first = inbox.refresh();
    const second = inbox.refresh();
    await Promise.all([first, second]);
    const concurrent = [...server.queries];
    await inbox.refresh();

    // Assess
    expect(second).toBe(first);
    expect(concurrent).toEqual(['?limit=20']);
    expect(server.queries).toEqual(['?limit=20', '?limit=20']);
    expect(inbox.state().items).toHaveLength(3);
  });

  test('a fresh refresh (a realtime resync) reads again once the read under way ended, not joining it', async () => {
    // Prepare
    const server = fakeApi(all.slice(0, 3));
    const inbox = createInbox(server.api);

    // Act: a read is under way when the channel resyncs
    const first = inbox.refresh();
    const resync = inbox.refresh({ fresh: true });
    await Promise.all([first, resync]);

    // Assess
    expect(resync).not.toBe(first);
    expect(server.queries).toEqual(['?limit=20', '?limit=20']);
    expect(inbox.state().items).toHaveLength(3);
  });

  test('a refused mark is undone and the error kept for the screen', async () => {
    // Prepare
    const server = fakeApi(all.slice(0, 3), { refuseRead: true });
    const inbox = createInbox(server.api);
    await inbox.refresh();

    // Act
    await inbox.markRead(['n001']);

    // Assess
    expect(unreadCount(inbox.state().items)).toBe(3);
    expect(inbox.state().error).toBeInstanceOf(ApiError);
  });
});
