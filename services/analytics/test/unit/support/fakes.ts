// In-memory ports of the analytics domain (src/domain/ports.ts) for unit tests.
import type { AcceptedBatch, EventRow } from '../../../src/domain/batch';
import type { ActorKeys, Admission, EventAggregates, EventArchive, EventBuffer, EventClaims, InstallRates } from '../../../src/domain/ports';

export class FakeActorKeys implements ActorKeys {
  readonly keys = new Map<string, Uint8Array>();
  private next = 1;

  async keyOf(userId: string): Promise<Uint8Array> {
    let key = this.keys.get(userId);
    if (!key) {
      key = new Uint8Array(32).fill(this.next++);
      this.keys.set(userId, key);
    }
    return key;
  }

  async destroy(userId: string): Promise<void> {
    this.keys.delete(userId);
  }
}

/** Admits `limit` batches per second and install, as the table does. */
export class FakeRates implements InstallRates {
  private readonly windows = new Map<string, { second: number; count: number }>();

  async admit(installId: string, nowMs: number, limit: number): Promise<Admission> {
    const second = Math.floor(nowMs / 1000);
    const window = this.windows.get(installId);
    if (!window || window.second < second) {
      this.windows.set(installId, { second, count: 1 });
      return { admitted: true };
    }
    if (window.second > second) return { admitted: true };
    if (window.count >= limit) return { admitted: false, retryAfterSeconds: 1 };
    window.count++;
    return { admitted: true };
  }
}

export class FakeBuffer implements EventBuffer {
  readonly batches: AcceptedBatch[] = [];
  failNext = false;

  async put(batch: AcceptedBatch): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('buffer unavailable');
    }
    this.batches.push(structuredClone(batch));
  }
}

export class FakeClaims implements EventClaims {
  readonly owners = new Map<string, string>();

  async claim(ids: string[], owner: string): Promise<Set<string>> {
    const ours = new Set<string>();
    for (const id of ids) {
      const current = this.owners.get(id);
      if (current === undefined) this.owners.set(id, owner);
      if ((current ?? owner) === owner) ours.add(id);
    }
    return ours;
  }
}

export class FakeArchive implements EventArchive {
  readonly objects = new Map<string, EventRow[]>();
  writes = 0;

  async write(key: string, rows: EventRow[]): Promise<void> {
    this.writes++;
    this.objects.set(key, structuredClone(rows));
  }

  rows(): EventRow[] {
    return [...this.objects.values()].flat();
  }
}

/** Records what it is given, once per work id (the real aggregates are idempotent per work). */
export class RecordingAggregates implements EventAggregates {
  readonly applied = new Map<string, EventRow[]>();
  calls = 0;
  failNext = false;

  async apply(workId: string, rows: EventRow[]): Promise<void> {
    this.calls++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('aggregates unavailable');
    }
    this.applied.set(workId, structuredClone(rows));
  }
}
