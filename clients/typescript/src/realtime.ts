// The realtime channel for apps (API.md "Realtime"): one WebSocket that reconnects by itself with backoff and
// jitter, pings before the server's idle limit, trades an expired access token for a fresh one before each
// connection, re-sends thing subscriptions after a reconnect, and notices gaps in `seq`. `syncWithRealtime`
// adds the catching up: after every (re)connection and after a gap it walks `GET /sync?scope=all` from the
// app's cursor, so an app that was offline, or missed a message, still sees every change.
import type { Client, TokenProvider } from './client';
import { isApiError } from './errors';
import type { components } from './schema';

type Schemas = components['schemas'];

/** One change of a note, as `/sync` and the `note.changed` message carry it. */
export type NoteChange = Schemas['ChangePage']['changes'][number];

/** What the server sends. `seq` grows by one per such message to the user, across all their connections. */
export type RealtimeMessage =
  | { type: 'note.changed'; seq: number; change: NoteChange }
  | { type: 'notification'; seq: number; notification: Schemas['Notification'] }
  | { type: 'thing.state'; seq: number; thingId: string; online: boolean; state: Schemas['ThingState'] }
  | { type: 'thing.telemetry'; thingId: string; at: string; metrics: Record<string, number> }
  | { type: 'pong' }
  | { type: 'subscribed'; things: string[] }
  | { type: 'error'; code: string; message: string };

/** The part of the WebSocket API (browsers, React Native, the `ws` package in Node) the channel uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
/**
 * A WebSocket class: the browser's and React Native's global, or `ws` in Node. Typed loosely on purpose: their
 * event types differ in detail, and the channel uses only what `WebSocketLike` names.
 */
export type WebSocketConstructor = new (url: string) => object;

export type RealtimeStatus = 'connecting' | 'open' | 'waiting' | 'closed';

export interface RealtimeOptions {
  /** The stage's WebSocket URL without the token: `ws://localhost:3000/realtime` locally, the deploy printout's URL deployed. */
  url: string;
  /** Where the access token comes from; `refresh` is called when it has expired or a connection was refused. */
  tokens: TokenProvider;
  /** Default: the global WebSocket (browsers, React Native, Node 22+); pass `ws`'s in older Node. */
  WebSocket?: WebSocketConstructor;
  /** Every message the server sends (replies included). */
  onMessage?: (message: RealtimeMessage) => void;
  /** Each time a connection opens; `reconnected` is false for the first. */
  onOpen?: (info: { reconnected: boolean }) => void;
  /** A `seq` went missing and did not arrive within `gapGraceMs`: something was not delivered, catch up. */
  onGap?: (info: { expected: number; received: number }) => void;
  onStatus?: (status: RealtimeStatus) => void;
  /** The things to subscribe to (the caller's own, at most 20), sent again after every reconnect. */
  things?: string[];
  /** Delay before reconnecting: full jitter over min(maxMs, initialMs · 2^attempt). Defaults 500 ms and 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Ping interval; the server drops a connection after 10 minutes without traffic. Default 4 minutes. */
  pingIntervalMs?: number;
  /** How long a missing `seq` may still arrive out of order before it counts as a gap. Default 2 s. */
  gapGraceMs?: number;
  /** Source of randomness for the jitter (tests). */
  random?: () => number;
}

export interface Realtime {
  readonly status: RealtimeStatus;
  /** Replaces the thing subscriptions (sent now when open, and after every reconnect). */
  subscribe(things: string[]): void;
  /** Closes the connection for good: no reconnect. */
  close(): void;
}

const OPEN = 1;
/** Refresh a token this close to its expiry before connecting with it. */
const expiryMarginSeconds = 30;

/** The `exp` of a JWT (unverified: only to decide whether to refresh first), undefined when unreadable. */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

function parse(data: unknown): RealtimeMessage | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const message = JSON.parse(data) as unknown;
    return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' ? (message as RealtimeMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** Follows `seq`: tolerates reordering within a grace period, reports what stays missing. */
class SeqTracker {
  private highest: number | undefined;
  private readonly missing = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly graceMs: number,
    private readonly onGap: (info: { expected: number; received: number }) => void,
  ) {}

  see(seq: number): void {
    if (this.highest === undefined) {
      this.highest = seq;
      return;
    }
    if (seq <= this.highest) {
      this.missing.delete(seq);
      if (this.missing.size === 0) this.stopTimer();
      return;
    }
    const expected = this.highest + 1;
    for (let missing = expected; missing < seq; missing++) this.missing.add(missing);
    this.highest = seq;
    if (this.missing.size > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.missing.size === 0) return;
        this.missing.clear();
        this.onGap({ expected, received: seq });
      }, this.graceMs);
    }
  }

  /** A new connection: what was missed meanwhile is caught up by the caller, so counting starts again. */
  reset(): void {
    this.highest = undefined;
    this.missing.clear();
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export function connectRealtime(options: RealtimeOptions): Realtime {
  const Found = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Found) throw new TypeError('No WebSocket implementation: pass options.WebSocket (for example the ws package in Node 20)');
  const Socket: WebSocketConstructor = Found;
  const initialMs = options.backoff?.initialMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  const pingIntervalMs = options.pingIntervalMs ?? 240_000;
  const random = options.random ?? Math.random;
  let things = options.things ?? [];
  let status: RealtimeStatus = 'closed';
  let socket: WebSocketLike | undefined;
  let stopped = false;
  let opens = 0;
  /** Connection attempts since the last one that opened. */
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  const seq = new SeqTracker(options.gapGraceMs ?? 2_000, (gap) => options.onGap?.(gap));

  const setStatus = (next: RealtimeStatus) => {
    if (status === next) return;
    status = next;
    options.onStatus?.(next);
  };

  const sendSubscriptions = () => {
    if (things.length > 0 && socket?.readyState === OPEN) socket.send(JSON.stringify({ action: 'subscribe', things }));
  };

  /** A token good for a while: refreshed first when it expires soon, or when the last attempt was refused. */
  async function usableToken(): Promise<string | undefined> {
    const current = await options.tokens.get();
    const exp = current === undefined ? undefined : tokenExpiry(current);
    const stale = current === undefined || (exp !== undefined && exp - Date.now() / 1000 < expiryMarginSeconds) || failures === 1;
    if (!stale || !options.tokens.refresh) return current;
    try {
      return (await options.tokens.refresh()) ?? undefined;
    } catch (error) {
      // A refused refresh ends the session; anything else (no network) leaves the old token for this attempt.
      if (isApiError(error) && error.status === 401) return undefined;
      return current;
    }
  }

  function scheduleReconnect(): void {
    if (stopped) return;
    setStatus('waiting');
    const delay = Math.floor(random() * Math.min(maxMs, initialMs * 2 ** Math.min(failures, 16)));
    failures++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    setStatus('connecting');
    const token = await usableToken();
    if (stopped) return;
    if (token === undefined) {
      // Signed out: nothing to connect with until the app starts a new channel.
      stopped = true;
      setStatus('closed');
      return;
    }
    const separator = options.url.includes('?') ? '&' : '?';
    let ws: WebSocketLike;
    try {
      ws = new Socket(`${options.url}${separator}token=${encodeURIComponent(token)}`) as WebSocketLike;
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (stopped) return ws.close(1000);
      failures = 0;
      seq.reset();
      setStatus('open');
      sendSubscriptions();
      pingTimer = setInterval(() => {
        if (ws.readyState === OPEN) ws.send('{"action":"ping"}');
      }, pingIntervalMs);
      options.onOpen?.({ reconnected: opens++ > 0 });
    };
    ws.onmessage = (event) => {
      const message = parse(event.data);
      if (!message) return;
      if ('seq' in message && typeof message.seq === 'number') seq.see(message.seq);
      options.onMessage?.(message);
    };
    ws.onerror = () => {
      // A close always follows; reconnecting is decided there.
    };
    ws.onclose = () => {
      if (pingTimer !== undefined) clearInterval(pingTimer);
      pingTimer = undefined;
      if (socket === ws) socket = undefined;
      if (stopped) return setStatus('closed');
      scheduleReconnect();
    };
  }

  void connect();

  return {
    get status() {
      return status;
    },
    subscribe(next) {
      things = [...next];
      sendSubscriptions();
    },
    close() {
      stopped = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      if (pingTimer !== undefined) clearInterval(pingTimer);
      seq.reset();
      const open = socket;
      socket = undefined;
      open?.close(1000, 'closed by the app');
      setStatus('closed');
    },
  };
}

export interface SyncWithRealtimeOptions extends Omit<RealtimeOptions, 'onOpen' | 'onGap'> {
  api: Client;
  /** Where the app's last catch-up ended (kept in its storage); undefined on a fresh install. */
  cursor?: string;
  /**
   * Changes to apply, from `/sync` pages (with the cursor to keep once they are applied) and from `note.changed`
   * messages (cursor undefined). A change may come twice (once live, once in a page): apply upserts by `version`
   * (keep the higher) and deletes always.
   */
  onChanges: (changes: NoteChange[], cursor: string | undefined) => void | Promise<void>;
  /** A catch-up failed: it is tried again after 1 s, then 2, 4… up to 30 s, and on the next reconnect or gap. */
  onSyncError?: (error: unknown) => void;
}

export interface SyncedRealtime extends Realtime {
  /** Catches up now (also what happens after every connection and gap); resolves when the feed is drained. */
  catchUp(): Promise<void>;
  /** Resolves when no catch-up is running (at once when none is). */
  settled(): Promise<void>;
  readonly cursor: string | undefined;
}

/** The realtime channel plus `/sync?scope=all` after every (re)connection and gap: no change is ever missed. */
export function syncWithRealtime(options: SyncWithRealtimeOptions): SyncedRealtime {
  let cursor = options.cursor;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  /** Catch-ups failed in a row; a failed one is tried again after min(30 s, 1 s · 2^n). */
  let failedInRow = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  async function drain(): Promise<void> {
    let hasMore = true;
    while (hasMore) {
      const page = await options.api.get('/sync', { query: { scope: 'all', cursor } });
      await options.onChanges(page.changes, page.cursor);
      cursor = page.cursor;
      hasMore = page.hasMore;
    }
  }

  /** One catch-up at a time; a request during one runs another right after, from the newest cursor. */
  function catchUp(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
          failedInRow = 0;
        } catch (error) {
          options.onSyncError?.(error);
          failedInRow++;
          if (!closed && !again) {
            retryTimer = setTimeout(
              () => {
                retryTimer = undefined;
                void catchUp();
              },
              Math.min(30_000, 1000 * 2 ** Math.min(failedInRow - 1, 5)),
            );
          }
        }
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  const channel = connectRealtime({
    ...options,
    onOpen: () => void catchUp(),
    onGap: () => void catchUp(),
    onMessage: (message) => {
      if (message.type === 'note.changed') void Promise.resolve(options.onChanges([message.change], undefined)).catch((error: unknown) => options.onSyncError?.(error));
      options.onMessage?.(message);
    },
  });

  return {
    get status() {
      return channel.status;
    },
    get cursor() {
      return cursor;
    },
    subscribe: (things) => channel.subscribe(things),
    close: () => {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      channel.close();
    },
    catchUp,
    settled: () => running ?? Promise.resolve(),
  };
}
