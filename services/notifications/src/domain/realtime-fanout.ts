// The realtime fan-out (API.md "Realtime"): a server message to every open connection of some users. Each user's
// copy gets the user's next `seq`; a note's changes never go back in time for a user; a connection found gone (410)
// loses its record, one whose token expired is closed; one slow or failing connection never holds up the others;
// a user who cannot be sent a message is made to catch up with /sync (a seq gap, or a reconnect).
// note.changed (realtime-notes.ts), new inbox items (delivery.ts) and thing.state (thing-subscriptions.ts) use it.
import type { Clock } from '@photonotes/shared/clock';
import type { NoteChange } from '@photonotes/shared/contracts/note-events';
import type { Logger } from '@photonotes/shared/log';
import type { NotificationView } from './notification';
import type { ThingStateMessage } from './thing-messages';
import type { Connection, ConnectionsGateway, ConnectionsStore } from './realtime';

/** API Gateway's limit on one WebSocket message (it closes the connection with 1009 over it). */
export const maxMessageBytes = 128 * 1024;
/** How long one PostToConnection may take before the fan-out aborts it (the call is not retried). */
export const defaultSendTimeoutMs = 1_000;
/** How long an aborted PostToConnection may take to end; one still running after it keeps the note's claim to its lease. */
export const abortWaitMs = 1_000;
/** How long a claim on sending a note's change outlives the send timeout (the seq write, the release). */
const claimMarginMs = 2_000;
/** How often a newer change of a note asks again while an older one is being sent to the user. */
const claimRetryMs = 25;

/** A note change as API.md's note.changed and GET /sync carry it. */
export type RealtimeNoteChange = { op: 'upsert'; note: NonNullable<NoteChange['note']> } | { op: 'delete'; id: string; deletedAt: string };

/** The messages the server pushes (each user's copy gets its `seq` here). */
export type PushedMessage = { type: 'note.changed'; change: RealtimeNoteChange } | { type: 'notification'; notification: NotificationView } | ThingStateMessage;

/** A pushed message as it goes to one user's connections. */
export type SequencedMessage = PushedMessage & { seq?: number };

/** Where a note stands for a user: the change last sent, compared with `supersedes` (shared/src/contracts/note-events.ts). */
export type NotePosition = Pick<NoteChange, 'version' | 'change'>;

export interface SequenceStore {
  /** The user's next seq: one more than the last one handed out (1 for the first), atomically across callers. */
  next(userId: string): Promise<number>;
  /** Forgets the user's counter (account deletion); idempotent. */
  forget(userId: string): Promise<void>;
}

/** What a claim on sending a note's change to a user came to (NoteOrderStore.claim). */
export type ClaimOutcome = 'claimed' | 'stale' | 'busy';

export interface NoteOrderStore {
  /**
   * Claims the sending of the note at `position` to the user, until `now + leaseMs` (epoch ms), with one conditional
   * write: 'claimed' records the position; 'stale' when the user was sent, or is being sent, this position or a later
   * one (a repeat or an older change); 'busy' when an older position is still being sent (its claim not released and
   * its lease not run out): try again shortly.
   */
  claim(userId: string, noteId: string, position: NotePosition, lease: { now: number; leaseMs: number }): Promise<ClaimOutcome>;
  /** Ends the claim on `position` once its message went out; a claim since taken by a newer position is left alone. */
  release(userId: string, noteId: string, position: NotePosition): Promise<void>;
}

export interface ExpiringConnections {
  /** Connections whose token expired at or before `at` and no later than `lookbackMinutes` before it. */
  expiredBy(at: Date, lookbackMinutes: number): Promise<Connection[]>;
}

export interface FanoutDeps {
  connections: ConnectionsStore;
  gateway: ConnectionsGateway;
  sequences: SequenceStore;
  noteOrder: NoteOrderStore;
  clock: Clock;
  sendTimeoutMs?: number;
}

export interface SendOptions {
  /** Gives each user's copy the user's next seq (note.changed, notification, thing.state; API.md). */
  seq: boolean;
  /** The note and the change the message is about: a user already sent this change or a later one gets nothing. */
  note?: { noteId: string; position: NotePosition };
  log: Logger;
}

/**
 * What happened to one user's copy: 'gap' is a message not sent whose seq was spent (the app sees the gap and
 * catches up with /sync); 'resync' a message that could not be numbered, so the user's connections were closed (the
 * app reconnects and catches up); 'failed' a user who could not even be made to catch up.
 */
export type UserOutcome = 'sent' | 'no-connection' | 'stale' | 'too-large' | 'gap' | 'resync' | 'failed';

export interface FanoutReport {
  users: Partial<Record<UserOutcome, number>>;
  /** Connections: sent to, removed as gone (410), closed as expired, timed out, failed otherwise, closed to resync. */
  connections: { sent: number; gone: number; expired: number; timedOut: number; failed: number; resynced: number };
}

type SendOutcome = 'sent' | 'gone' | 'timedOut' | 'failed';

/** One PostToConnection: how it went, and whether the call had ended when the fan-out stopped waiting for it. */
interface PostResult {
  outcome: SendOutcome;
  ended: boolean;
}

function emptyReport(): FanoutReport {
  return { users: {}, connections: { sent: 0, gone: 0, expired: 0, timedOut: 0, failed: 0, resynced: 0 } };
}

/** The dependencies with every DynamoDB request they make counted (the fan-out's cost line). */
function counted(deps: FanoutDeps): { deps: FanoutDeps; requests: () => number } {
  let requests = 0;
  const { connections, sequences, noteOrder } = deps;
  const count = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
    requests++;
    return call(...args);
  };
  return {
    deps: {
      ...deps,
      connections: { add: count((c) => connections.add(c)), listByUser: count((u) => connections.listByUser(u)), remove: count((id) => connections.remove(id)) },
      sequences: { next: count((u) => sequences.next(u)), forget: count((u) => sequences.forget(u)) },
      noteOrder: { claim: count((u, n, p, l) => noteOrder.claim(u, n, p, l)), release: count((u, n, p) => noteOrder.release(u, n, p)) },
    },
    requests: () => requests,
  };
}

/** Resolves with `fallback` after `ms` unless `work` settled first (the timer never keeps the process alive). */
async function within<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function isExpired(connection: Connection, now: Date): boolean {
  return Date.parse(connection.tokenExpiresAt) <= now.getTime();
}

/** Closes the connection (DeleteConnection) and removes its record; never throws, false when something failed. */
async function closeAndForget(connection: Connection, deps: Pick<FanoutDeps, 'connections' | 'gateway'>, log: Logger): Promise<boolean> {
  try {
    await deps.gateway.close(connection.connectionId);
    await deps.connections.remove(connection.connectionId);
    return true;
  } catch (err) {
    log.warn('Closing a realtime connection failed', { connectionId: connection.connectionId, userId: connection.userId, err });
    return false;
  }
}

/**
 * Posts to one connection. A call that outlasts the send timeout is aborted (the SDK drops it and does not retry it),
 * and the fan-out waits for it to end, so the note's claim is never released while the post can still land.
 */
async function sendOne(connection: Connection, message: SequencedMessage, deps: FanoutDeps, log: Logger): Promise<PostResult> {
  const controller = new AbortController();
  const call = deps.gateway.send(connection.connectionId, message, { signal: controller.signal });
  const callEnded = call.then(
    () => true,
    () => true,
  );
  const attempt = (async (): Promise<SendOutcome> => {
    try {
      if (await call) return 'sent';
    } catch (err) {
      if (controller.signal.aborted) return 'timedOut';
      log.warn('PostToConnection failed', { connectionId: connection.connectionId, userId: connection.userId, err });
      return 'failed';
    }
    // 410: the connection is gone (API Gateway says so even after an earlier success); its record goes.
    await deps.connections.remove(connection.connectionId).catch((err: unknown) => log.warn('Removing a gone connection failed', { connectionId: connection.connectionId, err }));
    return 'gone';
  })();
  const outcome = await within(attempt, deps.sendTimeoutMs ?? defaultSendTimeoutMs, 'timedOut' as SendOutcome);
  if (outcome !== 'timedOut') return { outcome, ended: true };
  controller.abort();
  log.warn('PostToConnection timed out', { connectionId: connection.connectionId, userId: connection.userId });
  const ended = await within(callEnded, abortWaitMs, false);
  if (!ended) log.warn('An aborted PostToConnection has not ended; a note claim is left to its lease', { connectionId: connection.connectionId, userId: connection.userId });
  return { outcome: 'timedOut', ended };
}

/**
 * The user's apps are made to catch up with /sync (API.md: after a reconnect or a gap in seq) for a message they will
 * not get: its seq is spent on nothing, a gap their next message shows; when no seq can be had, their connections
 * are closed, and they reconnect and catch up.
 */
async function makeCatchUp(userId: string, live: Connection[], deps: FanoutDeps, options: SendOptions, report: FanoutReport): Promise<UserOutcome> {
  if (options.seq) {
    try {
      await deps.sequences.next(userId);
      return 'gap';
    } catch (err) {
      options.log.warn('Spending a seq for a realtime gap failed; the user\'s connections are closed so the apps catch up', { userId, err });
    }
  }
  return resync(live, deps, options.log, report);
}

/** Closes the connections so their apps reconnect and catch up with /sync; 'failed' when one could not be closed. */
async function resync(live: Connection[], deps: FanoutDeps, log: Logger, report: FanoutReport): Promise<UserOutcome> {
  const closed = await Promise.all(live.map((connection) => closeAndForget(connection, deps, log)));
  report.connections.resynced += closed.filter(Boolean).length;
  return closed.every(Boolean) ? 'resync' : 'failed';
}

/**
 * Claims the sending of a note's change to the user (NoteOrderStore.claim), waiting while an older change of the note
 * is being sent to the user, so the two cannot cross on the way to the connections. The wait ends when the older
 * send releases its claim, or when its lease runs out (its sender died); past twice the lease it gives up ('busy'),
 * and the app is made to catch up instead (makeCatchUp).
 */
async function claimNote(userId: string, note: NonNullable<SendOptions['note']>, deps: FanoutDeps): Promise<ClaimOutcome> {
  const leaseMs = (deps.sendTimeoutMs ?? defaultSendTimeoutMs) + claimMarginMs;
  const giveUpAt = deps.clock.now().getTime() + 2 * leaseMs;
  for (;;) {
    const now = deps.clock.now().getTime();
    const outcome = await deps.noteOrder.claim(userId, note.noteId, note.position, { now, leaseMs });
    if (outcome !== 'busy' || now >= giveUpAt) return outcome;
    await new Promise((resolve) => setTimeout(resolve, claimRetryMs));
  }
}

async function sendToUser(userId: string, message: PushedMessage, deps: FanoutDeps, options: SendOptions, report: FanoutReport): Promise<UserOutcome> {
  const now = deps.clock.now();
  const connections = await deps.connections.listByUser(userId);
  const expired = connections.filter((connection) => isExpired(connection, now));
  const live = connections.filter((connection) => !isExpired(connection, now));
  // Closing expired connections runs beside the sends, never before them.
  const closing = expired.map(async (connection) => {
    if (await closeAndForget(connection, deps, options.log)) report.connections.expired++;
  });
  const { note } = options;
  let claimed = false;
  /** A post still running after its abort: the claim is left to its lease rather than released under it. */
  let holdClaim = false;
  try {
    // Nobody listening: no seq spent, no position recorded (the app catches up with /sync when it connects).
    if (live.length === 0) return 'no-connection';
    if (note) {
      const claim = await claimNote(userId, note, deps);
      if (claim === 'stale') return 'stale';
      if (claim === 'busy') {
        options.log.warn('An older change of the note is still being sent to the user; this one is not sent, and the app is made to catch up', { userId, noteId: note.noteId, version: note.position.version });
        return await makeCatchUp(userId, live, deps, options, report);
      }
      claimed = true;
    }
    let copy: SequencedMessage = message;
    if (options.seq) {
      try {
        copy = { ...message, seq: await deps.sequences.next(userId) };
      } catch (err) {
        options.log.warn('The user\'s next seq could not be had; the user\'s connections are closed so the apps catch up', { userId, type: message.type, err });
        return await resync(live, deps, options.log, report);
      }
    }
    // A message API Gateway would refuse is not sent; with the seq it spent, the app sees a gap and catches up.
    const bytes = Buffer.byteLength(JSON.stringify(copy), 'utf8');
    if (bytes > maxMessageBytes) {
      options.log.warn('A realtime message is over the WebSocket limit; sent as a seq gap', { userId, type: message.type, bytes });
      return 'too-large';
    }
    const posts = await Promise.all(live.map((connection) => sendOne(connection, copy, deps, options.log)));
    for (const post of posts) report.connections[post.outcome]++;
    holdClaim = posts.some((post) => !post.ended);
    return 'sent';
  } finally {
    // A claim that is not released holds the note's next change back until its lease runs out, no longer.
    if (note && claimed && !holdClaim) {
      await deps.noteOrder.release(userId, note.noteId, note.position).catch((err: unknown) => options.log.warn('Releasing a note claim failed', { userId, noteId: note.noteId, err }));
    }
    await Promise.all(closing);
  }
}

/**
 * Sends `message` to every open connection of each user, all users and connections side by side. Never throws:
 * delivery is best effort (API.md), and an app that misses a message sees the gap in `seq` and catches up with /sync.
 *
 * Order per note (API.md: "in order per note"): SNS invokes the consumer asynchronously, so two changes of one note
 * can be handled out of order, or at the same time. Before spending a seq the sender claims the user's position on
 * the note with a conditional write (NoteOrderStore, `supersedes`: a higher version, or the deletion of the same
 * version); a change that is not newer than one sent or being sent to the user is dropped, and a repeated event is
 * recognised too. A newer change waits while an older one is still being sent (the claim is released once the
 * PostToConnection calls ended: a call given up on is aborted first, and one that does not end keeps the claim to its
 * lease), so two changes handled at the same moment cannot cross on the way. A change held back too long, or one no
 * seq can be had for, is not lost: the user's apps are made to catch up with /sync (makeCatchUp). The position is only
 * recorded for users with a connection, and it expires (adapters/realtime-order.ts) once no connection can still
 * be open that saw it.
 */
export async function sendToUsers(userIds: readonly string[], message: PushedMessage, fanoutDeps: FanoutDeps, options: SendOptions): Promise<FanoutReport> {
  const report = emptyReport();
  const started = Date.now();
  const { deps, requests } = counted(fanoutDeps);
  await Promise.all(
    [...new Set(userIds)].map(async (userId) => {
      let outcome: UserOutcome;
      try {
        outcome = await sendToUser(userId, message, deps, options, report);
      } catch (err) {
        options.log.warn('Realtime fan-out to a user failed', { userId, type: message.type, err });
        outcome = 'failed';
      }
      report.users[outcome] = (report.users[outcome] ?? 0) + 1;
    }),
  );
  const { sent, gone, timedOut, failed } = report.connections;
  const posts = sent + gone + timedOut + failed;
  // One line per message that reached a connection: what the fan-out cost (bench/realtime.ts reads it), DynamoDB
  // requests included (the connections queries, seqs, note claims and releases, records removed).
  if (posts > 0) options.log.info('realtime fan-out', { type: message.type, users: userIds.length, posts, sent, gone, timedOut, failed, dynamodbRequests: requests(), durationMs: Date.now() - started });
  return report;
}

/** Closes every connection of the user and forgets the user's seq (account deletion). Throws when any step failed, so the event is retried. */
export async function closeUserConnections(userId: string, deps: Pick<FanoutDeps, 'connections' | 'gateway' | 'sequences'>, log: Logger): Promise<number> {
  const connections = await deps.connections.listByUser(userId);
  const closed = await Promise.all(connections.map((connection) => closeAndForget(connection, deps, log)));
  const failed = closed.filter((ok) => !ok).length;
  if (failed > 0) throw new Error(`${failed} of ${connections.length} realtime connections of the user could not be closed`);
  await deps.sequences.forget(userId);
  return connections.length;
}

/** How far back the sweep looks: a run that failed is covered by the next ones for this long. */
export const sweepLookbackMinutes = 10;

/**
 * Closes the connections whose token expired by `at` (the scheduled sweep; the fan-out also closes any it finds
 * expired). The connections come from an index by expiry minute, never from a Scan.
 */
export async function sweepExpiredConnections(at: Date, deps: Pick<FanoutDeps, 'connections' | 'gateway'> & { expiring: ExpiringConnections }, log: Logger): Promise<{ closed: number; failed: number }> {
  const expired = await deps.expiring.expiredBy(at, sweepLookbackMinutes);
  const closed = await Promise.all(expired.map((connection) => closeAndForget(connection, deps, log)));
  const ok = closed.filter(Boolean).length;
  return { closed: ok, failed: closed.length - ok };
}

/** The fan-out bound to its dependencies, as the consumers take it. */
export interface RealtimeFanout {
  sendToUsers(userIds: readonly string[], message: PushedMessage, options: SendOptions): Promise<FanoutReport>;
  closeUserConnections(userId: string, log: Logger): Promise<number>;
}

export function realtimeFanout(deps: FanoutDeps): RealtimeFanout {
  return {
    sendToUsers: (userIds, message, options) => sendToUsers(userIds, message, deps, options),
    closeUserConnections: (userId, log) => closeUserConnections(userId, deps, log),
  };
}
