// In-memory stand-ins for the realtime fan-out's ports: connections by user, an @connections API that can be told
// a connection is gone (410), failing or hanging (until released, or aborted as the SDK aborts a call), a seq counter
// that can be told to fail, and per-note positions with the adapters' semantics.
import { supersedes } from '@photonotes/shared/contracts/note-events';
import type { Connection, ConnectionsGateway, ConnectionsStore, ServerMessage } from '../../../src/domain/realtime';
import type { ClaimOutcome, ExpiringConnections, FanoutDeps, NoteOrderStore, NotePosition, SequencedMessage, SequenceStore } from '../../../src/domain/realtime-fanout';

export class FakeConnections implements ConnectionsStore {
  readonly records = new Map<string, Connection>();
  async add(connection: Connection) {
    this.records.set(connection.connectionId, connection);
  }
  async listByUser(userId: string) {
    return [...this.records.values()].filter((c) => c.userId === userId);
  }
  async remove(connectionId: string) {
    const found = this.records.get(connectionId);
    this.records.delete(connectionId);
    return found;
  }
}

export class FakeGateway implements ConnectionsGateway {
  readonly sent: Array<{ connectionId: string; message: ServerMessage | SequencedMessage }> = [];
  readonly closed: string[] = [];
  /** Connections that answer 410. */
  readonly gone = new Set<string>();
  /** Connections whose sends throw (a 500, a throttle). */
  readonly failing = new Set<string>();
  /** Connections whose sends hang until `release()`, or until the caller aborts them (as the SDK ends an aborted call). */
  readonly hanging = new Set<string>();
  /** Hanging connections whose sends ignore an abort (a call that does not end when told to). */
  readonly ignoresAbort = new Set<string>();
  /** The connections whose send was aborted, in order. */
  readonly aborted: string[] = [];
  /** Every send's start and end, in order ('start:a1', 'end:a1'), to tell what happened while a send was running. */
  readonly events: string[] = [];
  private releases: Array<() => void> = [];

  async send(connectionId: string, message: ServerMessage | SequencedMessage, options?: { signal?: AbortSignal }) {
    this.events.push(`start:${connectionId}`);
    try {
      if (this.hanging.has(connectionId)) {
        await new Promise<void>((resolve, reject) => {
          this.releases.push(resolve);
          if (!this.ignoresAbort.has(connectionId)) {
            options?.signal?.addEventListener('abort', () => {
              this.aborted.push(connectionId);
              reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
            });
          }
        });
      }
      if (this.failing.has(connectionId)) throw Object.assign(new Error('Internal server error'), { $metadata: { httpStatusCode: 500 } });
      if (this.gone.has(connectionId)) return false;
      this.sent.push({ connectionId, message });
      return true;
    } finally {
      this.events.push(`end:${connectionId}`);
    }
  }
  async close(connectionId: string) {
    this.closed.push(connectionId);
    return !this.gone.has(connectionId);
  }
  release(): void {
    this.releases.splice(0).forEach((resolve) => resolve());
  }
  to(connectionId: string): Array<ServerMessage | SequencedMessage> {
    return this.sent.filter((s) => s.connectionId === connectionId).map((s) => s.message);
  }
}

export class FakeSequences implements SequenceStore {
  readonly counters = new Map<string, number>();
  /** Users whose next seq fails (the table throttled, say). */
  readonly failing = new Set<string>();
  async next(userId: string) {
    if (this.failing.has(userId)) throw Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' });
    const value = (this.counters.get(userId) ?? 0) + 1;
    this.counters.set(userId, value);
    return value;
  }
  async forget(userId: string) {
    this.counters.delete(userId);
  }
}

export class FakeNoteOrder implements NoteOrderStore {
  readonly positions = new Map<string, NotePosition & { sendingUntil?: number }>();
  readonly outcomes: ClaimOutcome[] = [];
  async claim(userId: string, noteId: string, position: NotePosition, lease: { now: number; leaseMs: number }) {
    const key = `${userId}/${noteId}`;
    const seen = this.positions.get(key);
    let outcome: ClaimOutcome = 'claimed';
    if (seen && !supersedes(position, seen)) outcome = 'stale';
    else if (seen?.sendingUntil !== undefined && seen.sendingUntil > lease.now) outcome = 'busy';
    else this.positions.set(key, { ...position, sendingUntil: lease.now + lease.leaseMs });
    this.outcomes.push(outcome);
    return outcome;
  }
  async release(userId: string, noteId: string, position: NotePosition) {
    const key = `${userId}/${noteId}`;
    const seen = this.positions.get(key);
    if (seen && seen.version === position.version && seen.change === position.change) this.positions.set(key, { version: seen.version, change: seen.change });
  }
}

export class FakeExpiring implements ExpiringConnections {
  constructor(private readonly connections: FakeConnections) {}
  async expiredBy(at: Date, lookbackMinutes: number) {
    const from = at.getTime() - (lookbackMinutes + 1) * 60_000;
    return [...this.connections.records.values()].filter((c) => Date.parse(c.tokenExpiresAt) <= at.getTime() && Date.parse(c.tokenExpiresAt) > from);
  }
}

export const fanoutStart = new Date('2026-11-30T20:00:00.000Z');

export function connection(connectionId: string, userId: string, overrides: Partial<Connection> = {}): Connection {
  return {
    connectionId,
    userId,
    connectedAt: fanoutStart.toISOString(),
    tokenExpiresAt: new Date(fanoutStart.getTime() + 3_600_000).toISOString(),
    expiresAt: Math.ceil(fanoutStart.getTime() / 1000) + 3 * 3600,
    ...overrides,
  };
}

export function fanoutDeps(sendTimeoutMs?: number) {
  const connections = new FakeConnections();
  const gateway = new FakeGateway();
  const sequences = new FakeSequences();
  const noteOrder = new FakeNoteOrder();
  let now = fanoutStart.getTime();
  const deps: FanoutDeps = { connections, gateway, sequences, noteOrder, clock: { now: () => new Date(now) }, ...(sendTimeoutMs ? { sendTimeoutMs } : {}) };
  return {
    deps,
    connections,
    gateway,
    sequences,
    noteOrder,
    tick: (ms: number) => (now += ms),
    open: (...list: Connection[]) => list.forEach((c) => connections.records.set(c.connectionId, c)),
  };
}
