// The part of IndexedDB the offline store uses, typed structurally so this module needs no DOM typings: the
// browser's `indexedDB` and fake-indexeddb (the unit tests) both fit. A tiny promise wrapper on top.

export interface IdbRequest<T = unknown> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface IdbObjectStore {
  get(key: IdbKey): IdbRequest<unknown>;
  getAll(): IdbRequest<unknown[]>;
  put(value: unknown, key?: IdbKey): IdbRequest<IdbKey>;
  add(value: unknown, key?: IdbKey): IdbRequest<IdbKey>;
  delete(key: IdbKey): IdbRequest<undefined>;
  clear(): IdbRequest<undefined>;
}

export interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  readonly error: unknown;
  oncomplete: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onabort: ((event: unknown) => void) | null;
  abort(): void;
}

export interface IdbDatabase {
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options?: { keyPath?: string; autoIncrement?: boolean }): IdbObjectStore;
  transaction(stores: string | string[], mode?: 'readonly' | 'readwrite'): IdbTransaction;
  close(): void;
}

export interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: ((event: { oldVersion: number }) => void) | null;
  onblocked: ((event: unknown) => void) | null;
}

/** `window.indexedDB`, or `new IDBFactory()` from fake-indexeddb. */
export interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
}

export type IdbKey = string | number;

export function requestToPromise<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error instanceof Error ? request.error : new Error('IndexedDB request failed'));
  });
}

export function openDatabase(factory: IdbFactory, name: string, version: number, upgrade: (db: IdbDatabase, oldVersion: number) => void): Promise<IdbDatabase> {
  return new Promise<IdbDatabase>((resolve, reject) => {
    const request = factory.open(name, version);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error instanceof Error ? request.error : new Error(`IndexedDB ${name} could not be opened`));
    request.onblocked = () => reject(new Error(`IndexedDB ${name} is open in an older version elsewhere (another tab): close it and reload`));
  });
}

/**
 * Runs `work` in one transaction and resolves with its result once the transaction has committed; a failed
 * request or a throw in `work` aborts it (nothing of it is written). `work` may await requests of `tx` only.
 */
export async function inTransaction<T>(db: IdbDatabase, stores: string[], mode: 'readonly' | 'readwrite', work: (tx: IdbTransaction) => Promise<T>): Promise<T> {
  const tx = db.transaction(stores, mode);
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error instanceof Error ? tx.error : new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error instanceof Error ? tx.error : new Error('IndexedDB transaction aborted'));
  });
  let result: T;
  try {
    result = await work(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    await done.catch(() => undefined);
    throw error;
  }
  await done;
  return result;
}
