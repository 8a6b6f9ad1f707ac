// Search as you type: debounce, stale requests aborted and stale answers ignored, paging, errors, highlights.
import { ApiError } from '@photonotes/client';
import type { Client } from '@photonotes/client';
import { createSearch, highlight, queryTerms, type SearchHit, type SearchTimers } from '../src/search';

function hit(id: string, title = id): SearchHit {
  return { id, title, snippet: '', ownerId: 'u1', score: 1, updatedAt: '2026-12-01T09:00:00.000Z' };
}

/** Timers that run only when told. */
function manualTimers(): SearchTimers & { fire(): void; pending(): number } {
  let next = 0;
  const timers = new Map<number, () => void>();
  return {
    setTimeout(callback, _ms) {
      next += 1;
      timers.set(next, callback);
      return next;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    fire() {
      const due = [...timers.values()];
      timers.clear();
      for (const callback of due) callback();
    },
    pending: () => timers.size,
  };
}

interface Call {
  query: { q: string; limit: number; cursor?: string };
  signal: AbortSignal;
  resolve(page: { items: SearchHit[]; nextCursor: string | null }): void;
  reject(error: unknown): void;
}

/** GET /search answered by hand, in any order. */
function manualApi() {
  const calls: Call[] = [];
  const get = (_path: string, options: { query: Call['query']; signal: AbortSignal }) =>
    new Promise((resolve, reject) => {
      calls.push({ query: options.query, signal: options.signal, resolve, reject });
      options.signal.addEventListener('abort', () => reject(new ApiError({ status: 0, code: 'ABORTED', message: 'aborted' })));
    });
  return { api: { get } as unknown as Pick<Client, 'get'>, calls };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createSearch', () => {
  test('typing sends one request for the last query after the quiet time', async () => {
    // Prepare
    const timers = manualTimers();
    const { api, calls } = manualApi();
    const search = createSearch({ api, timers, debounceMs: 250 });

    // Act
    search.setQuery('h');
    search.setQuery('ha');
    search.setQuery('har ');
    const beforeQuiet = { calls: calls.length, status: search.state.status, timers: timers.pending() };
    timers.fire();
    calls[0]?.resolve({ items: [hit('n1', 'Harbour')], nextCursor: null });
    await flush();

    // Assess
    expect(beforeQuiet).toEqual({ calls: 0, status: 'waiting', timers: 1 });
    expect(calls.map((call) => call.query)).toEqual([{ q: 'har', limit: 20 }]);
    expect(search.state).toMatchObject({ query: 'har', status: 'done', items: [hit('n1', 'Harbour')], nextCursor: null, error: null });
  });

  test('a newer query aborts the request in flight, and an answer to an older query is never shown', async () => {
    // Prepare
    const timers = manualTimers();
    const { api, calls } = manualApi();
    const search = createSearch({ api, timers });
    search.setQuery('harb');
    timers.fire();

    // Act
    search.setQuery('harbour');
    timers.fire();
    calls[1]?.resolve({ items: [hit('new')], nextCursor: null });
    calls[0]?.resolve({ items: [hit('old')], nextCursor: null });
    await flush();

    // Assess
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(calls[1]?.signal.aborted).toBe(false);
    expect(search.state.items.map((item) => item.id)).toEqual(['new']);
    expect(search.state.error).toBeNull();
  });

  test('emptying the box clears the results without a request', async () => {
    // Prepare
    const timers = manualTimers();
    const { api, calls } = manualApi();
    const search = createSearch({ api, timers });
    search.setQuery('harbour');
    timers.fire();
    calls[0]?.resolve({ items: [hit('n1')], nextCursor: null });
    await flush();

    // Act
    search.setQuery('   ');

    // Assess
    expect(search.state).toMatchObject({ query: '', status: 'idle', items: [] });
    expect(timers.pending()).toBe(0);
    expect(calls).toHaveLength(1);
  });

  test('"more" reads the next page with the cursor and appends it; a failed page keeps the results and says why', async () => {
    // Prepare
    const timers = manualTimers();
    const { api, calls } = manualApi();
    const search = createSearch({ api, timers, pageSize: 2 });
    search.setQuery('photo');
    timers.fire();
    calls[0]?.resolve({ items: [hit('a'), hit('b')], nextCursor: 'c1' });
    await flush();

    // Act
    const second = search.more();
    calls[1]?.resolve({ items: [hit('b'), hit('c')], nextCursor: 'c2' });
    await second;
    const third = search.more();
    calls[2]?.reject(new ApiError({ status: 503, code: 'SERVICE_UNAVAILABLE', message: 'Search is unavailable; try again' }));
    await third;

    // Assess
    expect(calls.map((call) => call.query)).toEqual([{ q: 'photo', limit: 2 }, { q: 'photo', limit: 2, cursor: 'c1' }, { q: 'photo', limit: 2, cursor: 'c2' }]);
    expect(search.state).toMatchObject({ status: 'done', nextCursor: 'c2', loadingMore: false, error: 'Search is unavailable; try again' });
    expect(search.state.items.map((item) => item.id)).toEqual(['a', 'b', 'c']);
  });

  test('a failed search is an error state; a query over 200 characters is refused here', async () => {
    // Prepare
    const timers = manualTimers();
    const { api, calls } = manualApi();
    const search = createSearch({ api, timers });
    const states: string[] = [];
    search.subscribe((state) => states.push(state.status));

    // Act
    search.setQuery('harbour');
    timers.fire();
    calls[0]?.reject(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'fetch failed' }));
    await flush();
    const failed = search.state;
    search.setQuery('x'.repeat(201));

    // Assess
    expect(states).toEqual(['waiting', 'loading', 'error', 'error']);
    expect(failed).toMatchObject({ status: 'error', error: 'No connection to PhotoNotes. Check your network and try again.' });
    expect(search.state.error).toBe('Search for at most 200 characters.');
    expect(calls).toHaveLength(1);
  });
});

describe('highlight', () => {
  test('marks word starts matching a term, ignoring case and accents, keeping the text as written', () => {
    // Act
    const pieces = highlight('Café photos at the Harbour, photographed', 'cafe PHOT');

    // Assess
    expect(pieces).toEqual([
      { text: 'Café', match: true },
      { text: ' ', match: false },
      { text: 'phot', match: true },
      { text: 'os at the Harbour, ', match: false },
      { text: 'phot', match: true },
      { text: 'ographed', match: false },
    ]);
    expect(pieces.map((piece) => piece.text).join('')).toBe('Café photos at the Harbour, photographed');
  });

  test('no term in the middle of a word, and a query without words marks nothing', () => {
    // Act
    const inside = highlight('telephoto', 'photo');
    const none = highlight('Harbour', '!!! 🙂');

    // Assess
    expect(inside).toEqual([{ text: 'telephoto', match: false }]);
    expect(none).toEqual([{ text: 'Harbour', match: false }]);
    expect(queryTerms('Élan, élan  PHOTO')).toEqual(['photo', 'elan']);
  });
});
