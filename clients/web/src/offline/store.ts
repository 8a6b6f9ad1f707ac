// The local store on IndexedDB: the server's notes by id (own and shared), the `/sync` cursor per scope, the
// outbox of pending changes in order, and the conflict records. Every operation is one transaction, so a page
// of changes and its cursor are written together (a reload never skips or half-applies a page).
import { inTransaction, openDatabase, requestToPromise } from './idb';
import type { IdbDatabase, IdbFactory, IdbTransaction } from './idb';
import type { ConflictRecord, Note, NoteChange, OutboxChange, OutboxItem, SyncScope } from './types';

const DB_VERSION = 1;
const NOTES = 'notes';
const META = 'meta';
const OUTBOX = 'outbox';
const CONFLICTS = 'conflicts';

export interface OfflineStore {
  getNote(id: string): Promise<Note | undefined>;
  notes(): Promise<Note[]>;
  cursor(scope: SyncScope): Promise<string | undefined>;
  /** Forgets the cursor of `scope` and the stored notes, so the next sync starts from the beginning; keeps the outbox. */
  resetFeed(scope: SyncScope): Promise<void>;
  /**
   * Applies changes in order (an upsert only when its version is at least the stored one, a delete always),
   * and saves the cursor with them when given. Safe to replay. Resolves whether anything changed.
   */
  applyChanges(scope: SyncScope, changes: NoteChange[], cursor: string | undefined): Promise<boolean>;
  outbox(): Promise<OutboxItem[]>;
  /** Queues a change; its `baseVersion` is null when another change of the note is queued, else `baseVersion`. */
  enqueue(noteId: string, change: OutboxChange, baseVersion: number | null, queuedAt: string): Promise<OutboxItem>;
  updateItem(item: OutboxItem): Promise<void>;
  /**
   * The server accepted item `seq`: stores its answer (the note, or its deletion), drops the item, and gives
   * the next queued change of the note the resulting version as its base.
   */
  completeItem(seq: number, result: { note: Note } | { deleted: string }): Promise<void>;
  /** Drops item `seq` and every later item of the same note (they were built on it). */
  dropFrom(seq: number): Promise<void>;
  conflicts(): Promise<ConflictRecord[]>;
  /** Marks the item as in conflict and keeps the record, in one step. */
  recordConflict(item: OutboxItem, conflict: ConflictRecord): Promise<void>;
  /** Ends a conflict: stores the server's note, then either requeues the item (`requeue`) or drops it and its followers. */
  settleConflict(noteId: string, theirs: Note, requeue: OutboxItem | undefined): Promise<void>;
  /** Forgets everything (on sign-out, or when the server no longer knows the cursor). */
  clear(): Promise<void>;
  close(): void;
}

/** The note's values of the fields a change sets (see OutboxChange's `base`). */
export function baseOf(note: Note, fields: object): Record<string, unknown> {
  const values = note as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(fields).map((field) => [field, values[field] ?? null]));
}

function getAll<T>(tx: IdbTransaction, store: string): Promise<T[]> {
  return requestToPromise(tx.objectStore(store).getAll()) as Promise<T[]>;
}

async function putIfNewer(tx: IdbTransaction, note: Note): Promise<boolean> {
  const notes = tx.objectStore(NOTES);
  const stored = (await requestToPromise(notes.get(note.id))) as Note | undefined;
  if (stored && stored.version > note.version) return false;
  await requestToPromise(notes.put(note));
  return true;
}

async function sortedOutbox(tx: IdbTransaction): Promise<OutboxItem[]> {
  return (await getAll<OutboxItem>(tx, OUTBOX)).sort((a, b) => a.seq - b.seq);
}

/** Opens (creating or upgrading) the store `name` in `factory` (the browser's `indexedDB`, or fake-indexeddb). */
export async function openOfflineStore(factory: IdbFactory, name = 'photonotes-offline'): Promise<OfflineStore> {
  const db: IdbDatabase = await openDatabase(factory, name, DB_VERSION, (database) => {
    if (!database.objectStoreNames.contains(NOTES)) database.createObjectStore(NOTES, { keyPath: 'id' });
    if (!database.objectStoreNames.contains(META)) database.createObjectStore(META);
    if (!database.objectStoreNames.contains(OUTBOX)) database.createObjectStore(OUTBOX, { keyPath: 'seq', autoIncrement: true });
    if (!database.objectStoreNames.contains(CONFLICTS)) database.createObjectStore(CONFLICTS, { keyPath: 'noteId' });
  });

  return {
    getNote: (id) => inTransaction(db, [NOTES], 'readonly', async (tx) => (await requestToPromise(tx.objectStore(NOTES).get(id))) as Note | undefined),
    notes: () => inTransaction(db, [NOTES], 'readonly', (tx) => getAll<Note>(tx, NOTES)),
    cursor: (scope) => inTransaction(db, [META], 'readonly', async (tx) => (await requestToPromise(tx.objectStore(META).get(`cursor:${scope}`))) as string | undefined),

    resetFeed: (scope) =>
      inTransaction(db, [NOTES, META], 'readwrite', async (tx) => {
        await requestToPromise(tx.objectStore(NOTES).clear());
        await requestToPromise(tx.objectStore(META).delete(`cursor:${scope}`));
      }),

    applyChanges: (scope, changes, cursor) =>
      inTransaction(db, [NOTES, META], 'readwrite', async (tx) => {
        let changed = false;
        for (const change of changes) {
          if (change.op === 'upsert') {
            changed = (await putIfNewer(tx, change.note)) || changed;
          } else {
            const notes = tx.objectStore(NOTES);
            if ((await requestToPromise(notes.get(change.id))) !== undefined) {
              await requestToPromise(notes.delete(change.id));
              changed = true;
            }
          }
        }
        if (cursor !== undefined) await requestToPromise(tx.objectStore(META).put(cursor, `cursor:${scope}`));
        return changed;
      }),

    outbox: () => inTransaction(db, [OUTBOX], 'readonly', sortedOutbox),

    enqueue: (noteId, change, baseVersion, queuedAt) =>
      inTransaction(db, [OUTBOX], 'readwrite', async (tx) => {
        const queued = (await sortedOutbox(tx)).some((item) => item.noteId === noteId);
        const draft = { ...change, noteId, baseVersion: queued || change.op === 'create' ? null : baseVersion, status: 'pending' as const, attempts: 0, queuedAt };
        if (queued && draft.op === 'update') delete draft.base; // made on top of a queued change: its base comes when that one is accepted
        const seq = (await requestToPromise(tx.objectStore(OUTBOX).add(draft))) as number;
        return { ...draft, seq };
      }),

    updateItem: (item) =>
      inTransaction(db, [OUTBOX], 'readwrite', async (tx) => {
        await requestToPromise(tx.objectStore(OUTBOX).put(item));
      }),

    completeItem: (seq, result) =>
      inTransaction(db, [NOTES, OUTBOX], 'readwrite', async (tx) => {
        const items = await sortedOutbox(tx);
        const item = items.find((candidate) => candidate.seq === seq);
        if (!item) return;
        const outbox = tx.objectStore(OUTBOX);
        await requestToPromise(outbox.delete(seq));
        if ('note' in result) {
          await putIfNewer(tx, result.note);
          const next = items.find((candidate) => candidate.seq > seq && candidate.noteId === item.noteId);
          if (next && next.baseVersion === null && next.op === 'update') await requestToPromise(outbox.put({ ...next, baseVersion: result.note.version, base: baseOf(result.note, next.fields) }));
          else if (next && next.baseVersion === null && next.op === 'delete') await requestToPromise(outbox.put({ ...next, baseVersion: result.note.version }));
        } else {
          await requestToPromise(tx.objectStore(NOTES).delete(result.deleted));
        }
      }),

    dropFrom: (seq) =>
      inTransaction(db, [OUTBOX, CONFLICTS], 'readwrite', async (tx) => {
        const items = await sortedOutbox(tx);
        const item = items.find((candidate) => candidate.seq === seq);
        if (!item) return;
        for (const later of items) if (later.noteId === item.noteId && later.seq >= seq) await requestToPromise(tx.objectStore(OUTBOX).delete(later.seq));
        await requestToPromise(tx.objectStore(CONFLICTS).delete(item.noteId));
      }),

    conflicts: () => inTransaction(db, [CONFLICTS], 'readonly', (tx) => getAll<ConflictRecord>(tx, CONFLICTS)),

    recordConflict: (item, conflict) =>
      inTransaction(db, [OUTBOX, CONFLICTS], 'readwrite', async (tx) => {
        await requestToPromise(tx.objectStore(OUTBOX).put({ ...item, status: 'conflict', error: undefined }));
        await requestToPromise(tx.objectStore(CONFLICTS).put(conflict));
      }),

    settleConflict: (noteId, theirs, requeue) =>
      inTransaction(db, [NOTES, OUTBOX, CONFLICTS], 'readwrite', async (tx) => {
        const conflict = (await requestToPromise(tx.objectStore(CONFLICTS).get(noteId))) as ConflictRecord | undefined;
        if (!conflict) return;
        await putIfNewer(tx, theirs);
        await requestToPromise(tx.objectStore(CONFLICTS).delete(noteId));
        const outbox = tx.objectStore(OUTBOX);
        if (requeue) {
          await requestToPromise(outbox.put(requeue));
          return;
        }
        for (const later of await sortedOutbox(tx)) if (later.noteId === noteId && later.seq >= conflict.seq) await requestToPromise(outbox.delete(later.seq));
      }),

    clear: () =>
      inTransaction(db, [NOTES, META, OUTBOX, CONFLICTS], 'readwrite', async (tx) => {
        for (const name of [NOTES, META, OUTBOX, CONFLICTS]) await requestToPromise(tx.objectStore(name).clear());
      }),

    close: () => db.close(),
  };
}
