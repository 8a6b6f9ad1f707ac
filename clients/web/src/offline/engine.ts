// The sync engine: keeps the local store in step with the server, both ways. Down: `/sync` pages applied to
// the store, the cursor saved with each page, after every reconnect and every realtime `seq` gap (the app
// calls `sync()` from its realtime callbacks). Up: the outbox flushed in order while online, each change with
// `If-Match: <base version>`; a 412 becomes a conflict record for the person to decide, a refusal (400, 403,
// 409…) marks the change failed with the server's error, no answer leaves it queued and retried with backoff.
// Everything it needs is injected (the API client, the store, a clock, the online signal): no globals.
import type { Client } from '@photonotes/client';
import { isApiError } from '@photonotes/client';
import { baseOf, type OfflineStore } from './store';
import type { ConflictRecord, LocalNote, LocalState, Note, NoteChange, NoteCreateFields, NoteUpdateFields, OutboxChange, OutboxError, OutboxItem, Resolution, SyncScope } from './types';

export interface Clock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Whether the app can reach the network now, and a way to hear when that changes. */
export interface OnlineSignal {
  isOnline(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe. */
  subscribe(listener: (online: boolean) => void): () => void;
}

export interface SyncEngineOptions {
  api: Pick<Client, 'get' | 'post' | 'patch' | 'delete'>;
  store: OfflineStore;
  /** The signed-in user: their notes are `own`, the others `shared`. */
  userId: string;
  online: OnlineSignal;
  clock?: Clock;
  /** Ids of new notes (UUIDs, as POST /notes accepts from clients). Default `crypto.randomUUID()`. */
  newId?: () => string;
  /** The `/sync` feed to follow. Default `all`. */
  scope?: SyncScope;
  /**
   * Runs a flush so that no other tab flushes the same store meanwhile (else both would send the same change,
   * and the second would meet a 412 of its own making). Default: no lock, for a single tab; in browsers pass
   * `webLock(navigator, 'photonotes-outbox:' + userId)`.
   */
  exclusive?: (work: () => Promise<void>) => Promise<void>;
  /** Retry delay after a send or a sync got no answer: min(maxMs, initialMs · 2^(attempt-1)). Defaults 1 s and 60 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export interface EngineStatus {
  online: boolean;
  syncing: boolean;
  flushing: boolean;
  /** Changes waiting to be sent (not failed, not in conflict). */
  pending: number;
  /** The last sync or send that got no answer, until one succeeds. */
  lastError: OutboxError | undefined;
}

export interface SyncEngine {
  /** Subscribes to the online signal, then syncs and flushes when online. */
  start(): Promise<void>;
  /** Unsubscribes and cancels retry timers (the store stays open: the caller owns it). */
  stop(): void;
  /** Catches up from the saved cursor until the feed is drained (one at a time; a call during one runs another after it). */
  sync(): Promise<void>;
  /** Sends the pending changes in order; resolves when the outbox has nothing more it can send now. */
  flush(): Promise<void>;
  /** Resolves when no sync, flush or reconnect catch-up is running (at once when none is). */
  settled(): Promise<void>;
  /** Changes from a realtime `note.changed` message (no cursor), or from the app's own `/sync` walk (with its cursor). */
  applyChanges(changes: NoteChange[], cursor?: string): Promise<void>;

  /** The notes the UI shows: server state with the queued changes applied, newest first. */
  listNotes(scope?: 'own' | 'shared' | 'all'): Promise<LocalNote[]>;
  getNote(id: string): Promise<LocalNote | undefined>;
  /** Creates a note locally (the id is made here and kept by the server); queued, sent when online. */
  createNote(fields: NoteCreateFields): Promise<LocalNote>;
  /** Edits a note locally; sent with If-Match of the version it was made against. */
  updateNote(id: string, fields: NoteUpdateFields): Promise<LocalNote>;
  deleteNote(id: string): Promise<void>;

  outbox(): Promise<OutboxItem[]>;
  conflicts(): Promise<ConflictRecord[]>;
  /**
   * Decides a conflict: `mine` sends the change again against the server's current version, `theirs` drops
   * it (and the note's later queued changes) and keeps the server's note, `merged` sends `fields` instead.
   */
  resolveConflict(noteId: string, resolution: Resolution): Promise<void>;
  /** Sends a failed change again, with `fields` in place of its own when given (an update or a create). */
  retry(seq: number, fields?: NoteUpdateFields): Promise<void>;
  /** Gives up a failed change and the note's later queued changes. */
  discard(seq: number): Promise<void>;

  status(): EngineStatus;
  /** Called after anything the UI shows changed (notes, outbox, conflicts, status); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.toLowerCase()))];
}

/** A change applied to the note as the UI should see it before the server has it. */
function applyLocally(note: Note | undefined, item: OutboxChange & { noteId: string }, userId: string, at: string): Note | undefined {
  if (item.op === 'delete') return undefined;
  const fields = item.fields;
  const base: Note =
    note ?? { id: item.noteId, ownerId: userId, title: '', body: '', tags: [], visibility: 'private', sharedWith: [], photo: null, version: 0, createdAt: at, updatedAt: at };
  if (item.op === 'update' && !note) return undefined;
  const next: Note = { ...base, updatedAt: at };
  if (fields.title !== undefined) next.title = fields.title;
  if (fields.body !== undefined) next.body = fields.body;
  if (fields.tags !== undefined) next.tags = normalizeTags(fields.tags);
  if (fields.visibility !== undefined) next.visibility = fields.visibility;
  if (fields.sharedWith !== undefined) next.sharedWith = fields.sharedWith.filter((id) => id !== next.ownerId);
  if (fields.photoKey !== undefined && fields.photoKey !== base.photo?.key) next.photo = fields.photoKey === null ? null : { key: fields.photoKey, status: 'pending', thumbnails: null };
  return next;
}

const statusRank: Record<LocalState, number> = { synced: 0, pending: 1, failed: 2, conflict: 3 };

function toOutboxError(error: unknown): OutboxError {
  if (isApiError(error)) return { status: error.status, code: error.code, message: error.message, details: error.details, requestId: error.requestId };
  return { status: 0, code: 'CLIENT_ERROR', message: error instanceof Error ? error.message : String(error) };
}

/** No answer, or one that says "later": the change stays queued. */
function isTransient(error: unknown): boolean {
  if (!isApiError(error)) return false;
  return error.status === 0 || error.status === 401 || error.status === 408 || error.status === 429 || error.status >= 500;
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { api, store, userId, online } = options;
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  const scope = options.scope ?? 'all';
  const initialMs = options.backoff?.initialMs ?? 1000;
  const maxMs = options.backoff?.maxMs ?? 60_000;
  const exclusive = options.exclusive ?? ((work: () => Promise<void>) => work());

  const listeners = new Set<() => void>();
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  let syncing: Promise<void> | undefined;
  let syncAgain = false;
  let flushing: Promise<void> | undefined;
  let flushAgain = false;
  let retryTimer: unknown;
  let failuresInRow = 0;
  let lastError: OutboxError | undefined;
  let pendingCount = 0;
  const inflight = new Set<Promise<unknown>>();

  function track<T>(work: Promise<T>): Promise<T> {
    inflight.add(work);
    void work.finally(() => inflight.delete(work)).catch(() => undefined);
    return work;
  }

  function emit(): void {
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        console.error('offline listener failed', error);
      }
    }
  }

  async function refreshPending(): Promise<void> {
    pendingCount = (await store.outbox()).filter((item) => item.status === 'pending').length;
  }

  /** After a sync or send got no answer: try both again later, and at once when the online signal comes back. */
  function scheduleRetry(error: unknown): void {
    lastError = toOutboxError(error);
    failuresInRow++;
    if (stopped || retryTimer !== undefined) return;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(failuresInRow - 1, 20));
    retryTimer = clock.setTimeout(() => {
      retryTimer = undefined;
      void track(catchUpAndFlush());
    }, delay);
  }

  function succeeded(): void {
    failuresInRow = 0;
    lastError = undefined;
  }

  async function drain(): Promise<void> {
    let hasMore = true;
    let reset = false;
    while (hasMore) {
      const cursor = await store.cursor(scope);
      let page;
      try {
        page = await api.get('/sync', { query: { scope, cursor } });
      } catch (error) {
        // A cursor the server no longer accepts (400): start the feed over, once, keeping the outbox.
        if (reset || cursor === undefined || !isApiError(error) || error.status !== 400) throw error;
        reset = true;
        await store.resetFeed(scope);
        emit();
        continue;
      }
      if (await store.applyChanges(scope, page.changes, page.cursor)) emit();
      hasMore = page.hasMore;
    }
  }

  function sync(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (syncing) {
      syncAgain = true;
      return syncing;
    }
    syncing = (async () => {
      do {
        syncAgain = false;
        try {
          await drain();
          succeeded();
        } catch (error) {
          if (!isTransient(error)) console.error('sync failed', error);
          scheduleRetry(error);
          break;
        }
      } while (syncAgain && !stopped);
    })().finally(() => {
      syncing = undefined;
      emit();
    });
    emit();
    return syncing;
  }

  /** Whether the server's note still has the values `base` recorded (compared as JSON: tags, sharedWith, photo). */
  function untouched(base: Record<string, unknown>, theirs: Note): boolean {
    const current = baseOf(theirs, base);
    return Object.keys(base).every((field) => JSON.stringify(current[field]) === JSON.stringify(base[field]));
  }

  async function localView(noteId: string, upToSeq: number): Promise<Note | undefined> {
    let note = await store.getNote(noteId);
    const at = clock.now().toISOString();
    for (const item of await store.outbox()) if (item.noteId === noteId && item.seq <= upToSeq) note = applyLocally(note, item, userId, at);
    return note;
  }

  /** Sends one item; resolves whether the flush may go on (false: no answer, stop until the retry). */
  async function send(item: OutboxItem): Promise<boolean> {
    try {
      if (item.op === 'create') {
        const note = await api.post('/notes', { body: { ...item.fields, id: item.noteId } });
        await store.completeItem(item.seq, { note });
      } else if (item.op === 'update') {
        const note = await api.patch('/notes/{id}', { params: { id: item.noteId }, body: item.fields, ifMatch: item.baseVersion ?? undefined });
        await store.completeItem(item.seq, { note });
      } else {
        await api.delete('/notes/{id}', { params: { id: item.noteId }, ifMatch: item.baseVersion ?? undefined });
        await store.completeItem(item.seq, { deleted: item.noteId });
      }
      succeeded();
      return true;
    } catch (error) {
      if (isApiError(error) && error.status === 404 && item.op === 'delete') {
        await store.completeItem(item.seq, { deleted: item.noteId });
        return true;
      }
      const theirs = isApiError(error) && error.status === 412 ? error.current() : undefined;
      if (theirs && item.op === 'update' && item.base && untouched(item.base, theirs)) {
        // The other change left this one's fields as they were: send it again on top of it (a field-level merge).
        await store.updateItem({ ...item, baseVersion: theirs.version, base: baseOf(theirs, item.fields) });
        await store.applyChanges('own', [{ op: 'upsert', note: theirs }], undefined);
        return true;
      }
      if (theirs) {
        const mine = (await localView(item.noteId, item.seq)) ?? null;
        await store.recordConflict(item, { noteId: item.noteId, seq: item.seq, changed: item.op === 'delete' ? null : item.fields, mine, theirs, detectedAt: clock.now().toISOString() });
        return true;
      }
      if (isTransient(error)) {
        await store.updateItem({ ...item, attempts: item.attempts + 1 });
        scheduleRetry(error);
        return false;
      }
      await store.updateItem({ ...item, status: 'failed', error: toOutboxError(error) });
      return true;
    }
  }

  async function flushOnce(): Promise<void> {
    const held = new Set<string>();
    // Re-read after every send: an accepted change rebases the next one of its note.
    for (;;) {
      if (stopped || !online.isOnline()) return;
      const next = (await store.outbox()).find((item) => {
        if (held.has(item.noteId)) return false;
        if (item.status !== 'pending' || (item.baseVersion === null && item.op !== 'create')) {
          held.add(item.noteId);
          return false;
        }
        return true;
      });
      if (!next) return;
      held.add(next.noteId);
      const goOn = await send(next);
      await refreshPending();
      emit();
      if (!goOn) return;
      held.delete(next.noteId);
    }
  }

  function flush(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (flushing) {
      flushAgain = true;
      return flushing;
    }
    flushing = (async () => {
      do {
        flushAgain = false;
        await exclusive(flushOnce);
      } while (flushAgain && !stopped);
    })().finally(() => {
      flushing = undefined;
      emit();
    });
    emit();
    return flushing;
  }

  async function catchUpAndFlush(): Promise<void> {
    if (stopped || !online.isOnline()) return;
    await sync();
    await flush();
  }

  async function afterLocalChange(): Promise<void> {
    await refreshPending();
    emit();
    if (online.isOnline()) void track(flush());
  }

  async function view(): Promise<LocalNote[]> {
    const notes = new Map<string, LocalNote>();
    for (const note of await store.notes()) notes.set(note.id, { ...note, local: 'synced' });
    for (const item of await store.outbox()) {
      const current = notes.get(item.noteId);
      const next = applyLocally(current, item, userId, item.queuedAt);
      if (!next) {
        notes.delete(item.noteId);
        continue;
      }
      const state: LocalState = item.status;
      notes.set(item.noteId, { ...next, local: current && statusRank[current.local] > statusRank[state] ? current.local : state });
    }
    return [...notes.values()];
  }

  async function requireItem(seq: number): Promise<OutboxItem> {
    const item = (await store.outbox()).find((candidate) => candidate.seq === seq);
    if (!item) throw new Error(`No queued change ${seq}`);
    return item;
  }

  return {
    async start() {
      stopped = false;
      unsubscribe ??= online.subscribe((isOnline) => {
        emit();
        if (isOnline) {
          if (retryTimer !== undefined) clock.clearTimeout(retryTimer);
          retryTimer = undefined;
          void track(catchUpAndFlush());
        }
      });
      await refreshPending();
      await catchUpAndFlush();
    },
    stop() {
      stopped = true;
      unsubscribe?.();
      unsubscribe = undefined;
      if (retryTimer !== undefined) clock.clearTimeout(retryTimer);
      retryTimer = undefined;
    },
    sync: () => track(sync()),
    flush: () => track(flush()),
    async settled() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    async applyChanges(changes, cursor) {
      if (await store.applyChanges(scope, changes, cursor)) emit();
    },

    async listNotes(which = 'all') {
      const notes = await view();
      return notes
        .filter((note) => which === 'all' || (which === 'own') === (note.ownerId === userId))
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id));
    },
    async getNote(id) {
      return (await view()).find((note) => note.id === id);
    },
    async createNote(fields) {
      const id = newId();
      await store.enqueue(id, { op: 'create', fields }, null, clock.now().toISOString());
      await afterLocalChange();
      const note = (await view()).find((candidate) => candidate.id === id);
      if (!note) throw new Error(`Note ${id} vanished after its creation`);
      return note;
    },
    async updateNote(id, fields) {
      const current = (await view()).find((note) => note.id === id);
      if (!current) throw new Error(`No note ${id} to edit`);
      if (current.ownerId !== userId) throw new Error(`Note ${id} belongs to someone else: only its owner edits it`);
      const server = await store.getNote(id);
      await store.enqueue(id, { op: 'update', fields, ...(server ? { base: baseOf(server, fields) } : {}) }, server?.version ?? null, clock.now().toISOString());
      await afterLocalChange();
      const note = (await view()).find((candidate) => candidate.id === id);
      if (!note) throw new Error(`Note ${id} vanished after its edit`);
      return note;
    },
    async deleteNote(id) {
      const current = (await view()).find((note) => note.id === id);
      if (!current) return;
      if (current.ownerId !== userId) throw new Error(`Note ${id} belongs to someone else: only its owner deletes it`);
      const server = await store.getNote(id);
      await store.enqueue(id, { op: 'delete' }, server?.version ?? null, clock.now().toISOString());
      await afterLocalChange();
    },

    outbox: () => store.outbox(),
    conflicts: () => store.conflicts(),
    async resolveConflict(noteId, resolution) {
      const conflict = (await store.conflicts()).find((candidate) => candidate.noteId === noteId);
      if (!conflict) throw new Error(`No conflict on note ${noteId}`);
      const item = await requireItem(conflict.seq);
      const requeued = { ...item, baseVersion: conflict.theirs.version, status: 'pending' as const, error: undefined, attempts: 0 };
      if (resolution.keep === 'theirs') await store.settleConflict(noteId, conflict.theirs, undefined);
      else if (resolution.keep === 'mine') await store.settleConflict(noteId, conflict.theirs, requeued.op === 'update' ? { ...requeued, base: baseOf(conflict.theirs, requeued.fields) } : requeued);
      else await store.settleConflict(noteId, conflict.theirs, { ...requeued, op: 'update', fields: resolution.fields, base: baseOf(conflict.theirs, resolution.fields) });
      await afterLocalChange();
    },
    async retry(seq, fields) {
      const item = await requireItem(seq);
      if (item.status !== 'failed') throw new Error(`Change ${seq} has not failed`);
      const base = { ...item, status: 'pending' as const, error: undefined, attempts: 0 };
      if (fields === undefined || item.op === 'delete') await store.updateItem(base);
      else if (item.op === 'create') await store.updateItem({ ...base, op: 'create', fields: { ...item.fields, ...fields, title: fields.title ?? item.fields.title } });
      else await store.updateItem({ ...base, op: 'update', fields });
      await afterLocalChange();
    },
    async discard(seq) {
      await requireItem(seq);
      await store.dropFrom(seq);
      await afterLocalChange();
    },

    status: () => ({ online: online.isOnline(), syncing: syncing !== undefined, flushing: flushing !== undefined, pending: pendingCount, lastError }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
