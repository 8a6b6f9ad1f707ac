// Search as you type over GET /search: a query waits `debounceMs` of quiet before it is sent, a newer query
// aborts the older request and an answer to anything but the latest query is ignored; "More results" follows
// `nextCursor`. UI-free: the screen renders `state` and calls `setQuery` / `more`.
import { isApiError } from '@photonotes/client';
import type { Client, Schemas } from '@photonotes/client';
import { describeError } from './errors';

export type SearchHit = Schemas['SearchHit'];

export interface SearchState {
  query: string;
  /** idle: nothing to search; waiting: typed, not yet sent; loading: asked; done: answered; error: failed. */
  status: 'idle' | 'waiting' | 'loading' | 'done' | 'error';
  items: SearchHit[];
  nextCursor: string | null;
  /** A "More results" page is being read. */
  loadingMore: boolean;
  error: string | null;
}

export const maxQueryLength = 200;

export interface SearchTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: SearchTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SearchController {
  readonly state: SearchState;
  setQuery(query: string): void;
  /** The next page of the current results. */
  more(): Promise<void>;
  /** Calls `listener` after every change of state; returns the unsubscribe. */
  subscribe(listener: (state: SearchState) => void): () => void;
  /** Cancels the timer and any request. */
  dispose(): void;
}

export function createSearch(options: { api: Pick<Client, 'get'>; debounceMs?: number; pageSize?: number; timers?: SearchTimers }): SearchController {
  const { api, debounceMs = 250, pageSize = 20, timers = realTimers } = options;
  let state: SearchState = { query: '', status: 'idle', items: [], nextCursor: null, loadingMore: false, error: null };
  const listeners = new Set<(state: SearchState) => void>();
  let timer: unknown;
  let controller: AbortController | undefined;
  let run = 0;

  function set(next: Partial<SearchState>): void {
    state = { ...state, ...next };
    for (const listener of listeners) listener(state);
  }

  function cancel(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    controller?.abort();
    controller = undefined;
  }

  async function fetchPage(query: string, cursor: string | null, mine: number): Promise<Schemas['SearchPage'] | undefined> {
    controller = new AbortController();
    try {
      const page = await api.get('/search', { query: { q: query, limit: pageSize, ...(cursor ? { cursor } : {}) }, signal: controller.signal });
      return mine === run ? page : undefined;
    } catch (error) {
      if (mine !== run || (isApiError(error) && error.code === 'ABORTED')) return undefined;
      set({ status: cursor ? state.status : 'error', loadingMore: false, error: describeError(error) });
      return undefined;
    }
  }

  return {
    get state() {
      return state;
    },
    setQuery(raw) {
      const query = raw.trim();
      if (query === state.query && state.status !== 'error') return;
      cancel();
      const mine = (run += 1);
      if (query === '') {
        set({ query, status: 'idle', items: [], nextCursor: null, loadingMore: false, error: null });
        return;
      }
      if (query.length > maxQueryLength) {
        set({ query, status: 'error', items: [], nextCursor: null, loadingMore: false, error: `Search for at most ${maxQueryLength} characters.` });
        return;
      }
      set({ query, status: 'waiting', error: null, loadingMore: false });
      timer = timers.setTimeout(() => {
        timer = undefined;
        if (mine !== run) return;
        set({ status: 'loading' });
        void fetchPage(query, null, mine).then((page) => {
          if (page && mine === run) set({ status: 'done', items: page.items, nextCursor: page.nextCursor, error: null });
        });
      }, debounceMs);
    },
    async more() {
      if (state.status !== 'done' || !state.nextCursor || state.loadingMore) return;
      const mine = run;
      set({ loadingMore: true, error: null });
      const page = await fetchPage(state.query, state.nextCursor, mine);
      if (page && mine === run) {
        const seen = new Set(state.items.map((item) => item.id));
        set({ items: [...state.items, ...page.items.filter((item) => !seen.has(item.id))], nextCursor: page.nextCursor, loadingMore: false });
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      run += 1;
      cancel();
      listeners.clear();
    },
  };
}

/** The letters of `text` compared without case or accents, each with its index in `text`. */
function folded(text: string): { folded: string; index: number[] } {
  let out = '';
  const index: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const piece = (text[i] as string).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (const char of piece) {
      out += char;
      index.push(i);
    }
  }
  return { folded: out, index };
}

/** The query's words, folded (no case, no accents), longest first. */
export function queryTerms(query: string): string[] {
  const terms = folded(query)
    .folded.split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return [...new Set(terms)].sort((a, b) => b.length - a.length);
}

/**
 * `text` cut into pieces, `match` where a word starts with one of the query's terms (the API's matching: every
 * term by word, the last also as a prefix, so any word start is marked), for `<mark>`.
 */
export function highlight(text: string, query: string): { text: string; match: boolean }[] {
  const terms = queryTerms(query);
  if (terms.length === 0 || text === '') return text === '' ? [] : [{ text, match: false }];
  const { folded: haystack, index } = folded(text);
  const marked = new Array<boolean>(text.length).fill(false);
  for (let i = 0; i < haystack.length; i++) {
    const startsWord = i === 0 || !/[\p{L}\p{N}]/u.test(haystack[i - 1] as string);
    if (!startsWord) continue;
    const term = terms.find((candidate) => haystack.startsWith(candidate, i));
    if (!term) continue;
    for (let j = i; j < i + term.length; j++) marked[index[j] as number] = true;
  }
  const pieces: { text: string; match: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const match = marked[i] as boolean;
    const last = pieces[pieces.length - 1];
    if (last && last.match === match) last.text += text[i];
    else pieces.push({ text: text[i] as string, match });
  }
  return pieces;
}
