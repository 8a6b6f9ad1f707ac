// The signed-in user's offline notes: their IndexedDB store, the sync engine over it and the realtime channel
// that feeds it, opened together after sign-in and shut together on sign-out. `offlineNotesSource` is the
// NotesSource the screens read and write through (answers at once from the store; the outbox sends later).
import { connectRealtime } from '@photonotes/client';
import type { Realtime, Session, TokenProvider } from '@photonotes/client';
import { browserOnlineSignal, createSyncEngine, openOfflineStore, realtimeHandlers, webLock } from './offline';
import type { BrowserLike, EngineStatus, IdbFactory, LocksLike, LocalNote, OfflineStore, OnlineSignal, OutboxItem, SyncEngine } from './offline';
import type { NotesSource } from './notes-source';
import type { RealtimeHub } from './realtime-hub';

/** Newest first by creation, as the API's list is (the feed merges own and shared notes by `createdAt`). */
export function byCreationDesc(a: LocalNote, b: LocalNote): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/** The screens' NotesSource over the engine: every list is one page of what the store holds. */
export function offlineNotesSource(engine: Pick<SyncEngine, 'listNotes' | 'createNote' | 'updateNote' | 'onChange'>): NotesSource {
  return {
    list: async (scope) => ({ items: (await engine.listNotes(scope)).sort(byCreationDesc), nextCursor: null }),
    create: (draft) => engine.createNote(draft),
    update: (id, _version, draft) => engine.updateNote(id, draft),
    watch: (listener) => engine.onChange(listener),
  };
}

/**
 * What signing out would lose: the changes this browser holds that the server does not have (signing out clears
 * the offline store), in words; null when there are none.
 */
export function unsentWarning(items: Pick<OutboxItem, 'status'>[]): string | null {
  if (items.length === 0) return null;
  const count = (status: OutboxItem['status']) => items.filter((item) => item.status === status).length;
  const parts = [
    [count('pending'), 'waiting to sync'],
    [count('failed'), 'refused by the server'],
    [count('conflict'), 'in conflict'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${String(n)} ${String(what)}`);
  const changes = items.length === 1 ? '1 change has' : `${items.length} changes have`;
  return `${changes} not reached the server (${parts.join(', ')}). Signing out deletes ${items.length === 1 ? 'it' : 'them'} from this browser.`;
}

/** "Online · 2 changes waiting", in words for everyone (a live region for screen readers). */
export function statusText(status: EngineStatus): string {
  const parts = [status.online ? 'Online' : 'Offline'];
  if (status.pending > 0) parts.push(`${status.pending} ${status.pending === 1 ? 'change' : 'changes'} waiting`);
  else if (status.online && !status.syncing && !status.flushing) parts.push('all changes saved');
  if (status.online && (status.syncing || status.flushing)) parts.push('syncing…');
  return parts.join(' · ');
}

/**
 * The build's realtime URL (`npm run build:web -- --realtime-url`, a deployed stage's WebSocket API), a `define` of
 * vite.config.ts. Declared here as well as in env.d.ts because this module is also compiled and run outside the
 * app's build (unit tests): there it is undefined, hence `typeof`.
 */
declare const __REALTIME_URL__: string | undefined;
const builtRealtimeUrl = typeof __REALTIME_URL__ === 'string' ? __REALTIME_URL__ : '';

/**
 * The realtime URL: the stage's own when the build names one (deployed, the WebSocket API is not under the HTTP
 * API's URL), else `<api base>/realtime` over ws(s), as the session's own default (one gateway serves both locally).
 */
export function realtimeUrl(baseUrl: string, configured: string = builtRealtimeUrl): string {
  if (configured) return configured.replace(/\/+$/, '');
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/realtime`;
}

/**
 * The session's access token for the realtime channel. The session refreshes its tokens on an API call's 401,
 * so a refresh here makes one cheap authenticated call and hands back the token it leaves.
 */
export function sessionTokens(session: Pick<Session, 'api' | 'tokens'>): TokenProvider {
  return {
    get: () => session.tokens?.accessToken,
    refresh: async () => {
      await session.api.get('/users/me');
      return session.tokens?.accessToken;
    },
  };
}

export interface OfflineNotes {
  store: OfflineStore;
  engine: SyncEngine;
  source: NotesSource;
  /**
   * Ends it: waits up to `flushMs` for queued changes to reach the server (when online), closes the channel and
   * the engine, then clears the store when `clear` (sign-out) and closes it. Safe to call more than once.
   */
  shut(options?: { clear?: boolean; flushMs?: number }): Promise<void>;
}

export interface OfflineNotesDeps {
  session: Pick<Session, 'api' | 'tokens'>;
  userId: string;
  baseUrl: string;
  /** Tests pass fakes; the app uses the browser's (the offline layer types it structurally, without the DOM's event types). */
  indexedDB?: IdbFactory;
  connect?: typeof connectRealtime;
  online?: OnlineSignal;
  exclusive?: (work: () => Promise<void>) => Promise<void>;
  /** The page's listener registry: every message of the channel is handed to it, and it sends thing subscriptions. */
  hub?: Pick<RealtimeHub, 'emit' | 'attach' | 'resync'>;
}

/** The page's globals the defaults use, typed structurally (this module is also compiled without the DOM's types). */
const browser = globalThis as unknown as BrowserLike & { indexedDB: IdbFactory; navigator: BrowserLike['navigator'] & LocksLike };

export async function openOfflineNotes(deps: OfflineNotesDeps): Promise<OfflineNotes> {
  const store = await openOfflineStore(deps.indexedDB ?? browser.indexedDB, `photonotes-offline:${deps.userId}`);
  const engine = createSyncEngine({
    api: deps.session.api,
    store,
    userId: deps.userId,
    online: deps.online ?? browserOnlineSignal(browser),
    exclusive: deps.exclusive ?? webLock(browser.navigator, `photonotes-outbox:${deps.userId}`),
  });
  // Not awaited: the screens show the cached notes at once and re-read when the catch-up lands.
  void engine.start().catch(() => undefined);
  const hub = deps.hub;
  const handlers = realtimeHandlers(engine, hub ? (message) => hub.emit(message) : undefined);
  const channel: Realtime = (deps.connect ?? connectRealtime)({
    url: realtimeUrl(deps.baseUrl),
    tokens: sessionTokens(deps.session),
    ...handlers,
    // What the screens show beside the notes (the inbox) is read again when messages may have been missed.
    onOpen: (info) => {
      handlers.onOpen(info);
      if (info.reconnected) hub?.resync();
    },
    onGap: (info) => {
      handlers.onGap(info);
      hub?.resync();
    },
  });
  hub?.attach(channel);
  let shutting: Promise<void> | undefined;
  return {
    store,
    engine,
    source: offlineNotesSource(engine),
    shut(options = {}) {
      shutting ??= (async () => {
        if (engine.status().online && engine.status().pending > 0) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([engine.flush().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, options.flushMs ?? 3_000)))]);
          clearTimeout(timer);
        }
        hub?.attach(null);
        channel.close();
        engine.stop();
        if (options.clear) await store.clear();
        store.close();
      })();
      return shutting;
    },
  };
}
