// The inbox (GET /notifications, newest first, paged): one model the nav's unread count and the Inbox screen
// share. New items arrive over the realtime channel's `notification` messages; marking read is
// POST /notifications/read with 1..100 ids per call (the contract's limit), so "mark all read" sends the
// unread items it has loaded in chunks of 100.
import type { Client, Schemas } from '@photonotes/client';

export type InboxItem = Schemas['Notification'];

export interface InboxState {
  items: InboxItem[];
  nextCursor: string | null;
  loaded: boolean;
  loading: boolean;
  error: unknown;
}

/** The most ids one POST /notifications/read takes. */
export const maxReadIds = 100;

/** Newest first (by `createdAt`, then id), one entry per id; an item seen again replaces the older copy. */
export function mergeItems(current: InboxItem[], incoming: InboxItem[]): InboxItem[] {
  const byId = new Map(current.map((item) => [item.id, item]));
  for (const item of incoming) {
    const known = byId.get(item.id);
    // A read mark made here is kept even when a stale copy arrives later.
    byId.set(item.id, known?.readAt && !item.readAt ? { ...item, readAt: known.readAt } : item);
  }
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

export function unreadCount(items: InboxItem[]): number {
  return items.filter((item) => item.readAt === null).length;
}

export function markedRead(items: InboxItem[], ids: ReadonlySet<string>, at: string): InboxItem[] {
  return items.map((item) => (ids.has(item.id) && item.readAt === null ? { ...item, readAt: at } : item));
}

export function chunks<T>(values: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < values.length; start += size) out.push(values.slice(start, start + size));
  return out;
}

export interface Inbox {
  state(): InboxState;
  /** Called after every change of the state; returns the function that stops it. */
  onChange(listener: () => void): () => void;
  /**
   * Reads the first page again (keeps items that arrived live). While that read is under way, another refresh is
   * the same read: the app's refresh on sign-in and the Inbox screen's on opening make one request, not two.
   * `fresh`: a read that begins now, after the one under way (a realtime resync must not take an older answer).
   */
  refresh(options?: { fresh?: boolean }): Promise<void>;
  /** The next page, when there is one. */
  loadMore(): Promise<void>;
  /** A `notification` message of the realtime channel. */
  arrived(item: InboxItem): void;
  markRead(ids: string[]): Promise<void>;
  markAllRead(): Promise<void>;
}

export function createInbox(api: Pick<Client, 'get' | 'post'>, options: { pageSize?: number; now?: () => Date } = {}): Inbox {
  const pageSize = options.pageSize ?? 20;
  const now = options.now ?? (() => new Date());
  let state: InboxState = { items: [], nextCursor: null, loaded: false, loading: false, error: null };
  const listeners = new Set<() => void>();
  const set = (next: Partial<InboxState>) => {
    state = { ...state, ...next };
    for (const listener of [...listeners]) listener();
  };

  async function read(cursor: string | null): Promise<void> {
    set({ loading: true, error: null });
    try {
      const page = await api.get('/notifications', { query: { limit: pageSize, ...(cursor ? { cursor } : {}) } });
      set({ items: mergeItems(state.items, page.items), nextCursor: cursor === null && state.loaded ? state.nextCursor ?? page.nextCursor : page.nextCursor, loaded: true, loading: false });
    } catch (error) {
      set({ loading: false, error });
    }
  }

  let firstPage: Promise<void> | null = null;
  function refresh(options: { fresh?: boolean } = {}): Promise<void> {
    if (firstPage && !options.fresh) return firstPage;
    const current: Promise<void> = (firstPage ?? Promise.resolve()).then(() => read(null)).finally(() => {
      if (firstPage === current) firstPage = null;
    });
    firstPage = current;
    return current;
  }

  async function markRead(ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const before = state.items;
    set({ items: markedRead(state.items, new Set(unique), now().toISOString()), error: null });
    try {
      for (const part of chunks(unique, maxReadIds)) await api.post('/notifications/read', { body: { ids: part } });
    } catch (error) {
      const failed = new Set(unique);
      // Undo the marks that did not reach the server (items that arrived meanwhile stay).
      set({ items: state.items.map((item) => (failed.has(item.id) ? (before.find((old) => old.id === item.id) ?? item) : item)), error });
    }
  }

  return {
    state: () => state,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    async loadMore() {
      if (state.loading || state.nextCursor === null) return;
      await read(state.nextCursor);
    },
    arrived(item) {
      set({ items: mergeItems(state.items, [item]) });
    },
    markRead,
    markAllRead: () => markRead(state.items.filter((item) => item.readAt === null).map((item) => item.id)),
  };
}
