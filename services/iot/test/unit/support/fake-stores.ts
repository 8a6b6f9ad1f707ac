// In-memory stores with the same contract as the DynamoDB adapters: conditional writes on versions and
// revisions, the owner's thing limit, pagination. Every method yields to the event loop first, so
// operations started together interleave the way concurrent Lambda invocations do.
import type { AlertRule, FiredAlert, RuleSet } from '../../../src/domain/alerts';
import type { CredentialRecord } from '../../../src/domain/credentials';
import type {
  Admission,
  AlertRulesStore,
  ConditionalOutcome,
  DeviceRecord,
  DevicesStore,
  Page,
  PageRequest,
  SeriesHead,
  SeriesKey,
  SeriesSnapshot,
  SeriesWrite,
  StateStore,
  StoredReading,
  TelemetryStore,
  ThingsStore,
  ThingSummary,
  TimedBucket,
} from '../../../src/domain/ports';
import { ThingLimitError } from '../../../src/domain/ports';
import type { PresenceState } from '../../../src/domain/presence';
import { noPresence } from '../../../src/domain/presence';
import type { RateWindow } from '../../../src/domain/rate-limit';
import { admitMessage } from '../../../src/domain/rate-limit';
import type { Rollup } from '../../../src/domain/resolutions';
import type { Bucket } from '../../../src/domain/rollups';
import type { StoredState } from '../../../src/domain/state';
import { emptyState } from '../../../src/domain/state';
import type { StoredThing } from '../../../src/domain/thing';

const clone = <T>(value: T): T => structuredClone(value);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function paginate<T>(items: T[], page: PageRequest): Page<T> {
  const start = page.cursor === undefined ? 0 : Number(page.cursor);
  const slice = items.slice(start, start + page.limit);
  const next = start + page.limit;
  return { items: slice, nextCursor: next < items.length ? String(next) : null };
}

interface DeviceItem {
  ownerId: string;
  credential: CredentialRecord;
  presence: PresenceState;
  presenceRev: number;
  rate: RateWindow | null;
  lastMessageAt: number | null;
}

export class FakeIot {
  readonly thingItems = new Map<string, StoredThing>();
  readonly deviceItems = new Map<string, DeviceItem>();
  readonly stateItems = new Map<string, StoredState>();
  readonly ruleItems = new Map<string, RuleSet>();
  readonly ownerCounts = new Map<string, number>();
  /** Leftovers under a thing's id other than the above (e.g. state written after a removal). */
  readonly remains = new Map<string, number>();

  readonly things: ThingsStore = {
    create: async (thing, credential, limit) => {
      await tick();
      const count = this.ownerCounts.get(thing.ownerId) ?? 0;
      if (count >= limit) throw new ThingLimitError();
      if (this.thingItems.has(thing.thingId)) throw new Error(`duplicate thing id ${thing.thingId}`);
      this.ownerCounts.set(thing.ownerId, count + 1);
      this.thingItems.set(thing.thingId, clone(thing));
      this.deviceItems.set(thing.thingId, { ownerId: thing.ownerId, credential: clone(credential), presence: noPresence(), presenceRev: 0, rate: null, lastMessageAt: null });
    },
    get: async (thingId) => {
      await tick();
      const thing = this.thingItems.get(thingId);
      return thing ? clone(thing) : undefined;
    },
    listByOwner: async (ownerId, page) => {
      await tick();
      const own = [...this.thingItems.values()]
        .filter((thing) => thing.ownerId === ownerId)
        .sort((a, b) => (a.createdAt === b.createdAt ? (a.thingId < b.thingId ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
      const result = paginate(own, page);
      return {
        items: result.items.map((thing): ThingSummary => {
          const device = this.deviceItems.get(thing.thingId);
          return { thing: clone(thing), activity: { presence: clone(device?.presence ?? noPresence()), lastMessageAt: device?.lastMessageAt ?? null } };
        }),
        nextCursor: result.nextCursor,
      };
    },
    update: async (thing) => {
      await tick();
      if (!this.thingItems.has(thing.thingId)) return false;
      this.thingItems.set(thing.thingId, clone(thing));
      return true;
    },
    remove: async (thing) => {
      await tick();
      if (!this.thingItems.has(thing.thingId)) return false;
      this.thingItems.delete(thing.thingId);
      this.deviceItems.delete(thing.thingId);
      this.stateItems.delete(thing.thingId);
      this.ruleItems.delete(thing.thingId);
      this.ownerCounts.set(thing.ownerId, (this.ownerCounts.get(thing.ownerId) ?? 1) - 1);
      return true;
    },
    purgeRemains: async (thingId) => {
      await tick();
      const count = (this.remains.get(thingId) ?? 0) + (this.stateItems.delete(thingId) ? 1 : 0);
      this.remains.delete(thingId);
      return count;
    },
  };

  readonly devices: DevicesStore = {
    get: async (thingId): Promise<DeviceRecord | undefined> => {
      await tick();
      const item = this.deviceItems.get(thingId);
      return item ? { thingId, ownerId: item.ownerId, credential: clone(item.credential), activity: { presence: clone(item.presence), lastMessageAt: item.lastMessageAt } } : undefined;
    },
    replaceCredential: async (thingId, expectedGeneration, next): Promise<ConditionalOutcome> => {
      await tick();
      const item = this.deviceItems.get(thingId);
      if (!item) return 'gone';
      if (item.credential.generation !== expectedGeneration) return 'conflict';
      item.credential = clone(next);
      return 'saved';
    },
    admit: async (thingId, receivedAt, limit): Promise<Admission> => {
      await tick();
      const item = this.deviceItems.get(thingId);
      if (!item) return { admitted: false, reason: 'unknown_thing' };
      const decision = admitMessage(item.rate, receivedAt, limit);
      if (!decision.admitted) return { admitted: false, reason: 'rate_limited' };
      item.rate = decision.window;
      item.lastMessageAt = receivedAt;
      return { admitted: true, ownerId: item.ownerId };
    },
    presence: async (thingId) => {
      await tick();
      const item = this.deviceItems.get(thingId);
      return item ? { presence: clone(item.presence), rev: item.presenceRev } : undefined;
    },
    savePresence: async (thingId, rev, next): Promise<ConditionalOutcome> => {
      await tick();
      const item = this.deviceItems.get(thingId);
      if (!item) return 'gone';
      if (item.presenceRev !== rev) return 'conflict';
      item.presence = clone(next);
      item.presenceRev++;
      return 'saved';
    },
  };

  /** Runs once before the next state save is checked (a concurrent writer slipping in). */
  beforeNextStateSave: (() => void) | undefined;
  stateSaves = 0;

  readonly states: StateStore = {
    get: async (thingId) => {
      await tick();
      return clone(this.stateItems.get(thingId) ?? emptyState());
    },
    save: async (thingId, expectedVersion, next) => {
      await tick();
      const hook = this.beforeNextStateSave;
      this.beforeNextStateSave = undefined;
      hook?.();
      const current = this.stateItems.get(thingId) ?? emptyState();
      if (current.version !== expectedVersion) return false;
      this.stateSaves++;
      this.stateItems.set(thingId, clone(next));
      return true;
    },
  };

  readonly alertRules: AlertRulesStore = {
    get: async (thingId) => {
      await tick();
      return clone(this.ruleItems.get(thingId) ?? { version: 0, rules: [] });
    },
    replace: async (thingId, rules: AlertRule[]) => {
      await tick();
      const next = { version: (this.ruleItems.get(thingId)?.version ?? 0) + 1, rules: clone(rules) };
      this.ruleItems.set(thingId, next);
      return clone(next);
    },
  };

  /** Seeds a thing directly (tests that start from an existing thing). */
  seedThing(thing: StoredThing, credential: CredentialRecord): void {
    this.thingItems.set(thing.thingId, clone(thing));
    this.ownerCounts.set(thing.ownerId, (this.ownerCounts.get(thing.ownerId) ?? 0) + 1);
    this.deviceItems.set(thing.thingId, { ownerId: thing.ownerId, credential: clone(credential), presence: noPresence(), presenceRev: 0, rate: null, lastMessageAt: null });
  }
}

interface HeadItem extends Omit<SeriesHead, 'pending'> {
  pending: Map<string, FiredAlert>;
  expiresAt: number;
}

const seriesId = (series: SeriesKey) => `${series.thingId}|${series.metric}`;

export class FakeTelemetry implements TelemetryStore {
  readonly heads = new Map<string, HeadItem>();
  readonly raw = new Map<string, Map<number, StoredReading & { expiresAt: number }>>();
  readonly rollups = new Map<string, Map<number, Bucket & { expiresAt: number }>>();
  commits = 0;
  conflicts = 0;
  /** Runs before every commit is checked, e.g. to slip a concurrent write in. */
  beforeCommit: ((series: SeriesKey) => Promise<void> | void) | undefined;

  private rawOf(series: SeriesKey) {
    const key = seriesId(series);
    let map = this.raw.get(key);
    if (!map) this.raw.set(key, (map = new Map()));
    return map;
  }

  private rollupOf(series: SeriesKey, rollup: Rollup) {
    const key = `${seriesId(series)}|${rollup}`;
    let map = this.rollups.get(key);
    if (!map) this.rollups.set(key, (map = new Map()));
    return map;
  }

  private headOf(series: SeriesKey): SeriesHead {
    const head = this.heads.get(seriesId(series));
    if (!head) return { rev: 0, latest: null, alerts: { rulesVersion: 0, rules: {} }, pending: [] };
    return clone({ rev: head.rev, latest: head.latest, alerts: head.alerts, pending: [...head.pending.values()] });
  }

  async load(series: SeriesKey, ts: number): Promise<SeriesSnapshot> {
    await tick();
    const head = this.headOf(series);
    await tick();
    const reading = this.rawOf(series).get(ts);
    const buckets: Partial<Record<Rollup, Bucket>> = {};
    for (const rollup of ['1m', '1h', '1d'] as const) {
      const size = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 }[rollup];
      const found = this.rollupOf(series, rollup).get(Math.floor(ts / size) * size);
      if (found) buckets[rollup] = { min: found.min, max: found.max, sum: found.sum, count: found.count };
    }
    return { head, reading: reading ? { ts: reading.ts, value: reading.value, receivedAt: reading.receivedAt } : undefined, buckets };
  }

  async readings(series: SeriesKey, from: number, to: number) {
    await tick();
    return [...this.rawOf(series).values()].filter((item) => item.ts >= from && item.ts < to).sort((a, b) => a.ts - b.ts).map(({ ts, value }) => ({ ts, value }));
  }

  async buckets(series: SeriesKey, rollup: Rollup, from: number, to: number): Promise<TimedBucket[]> {
    await tick();
    return [...this.rollupOf(series, rollup).entries()]
      .filter(([start]) => start >= from && start < to)
      .sort(([a], [b]) => a - b)
      .map(([start, { min, max, sum, count }]) => ({ start, bucket: { min, max, sum, count } }));
  }

  async commit(series: SeriesKey, expectedRev: number, write: SeriesWrite): Promise<boolean> {
    await tick();
    await this.beforeCommit?.(series);
    const key = seriesId(series);
    const current = this.heads.get(key);
    if ((current?.rev ?? 0) !== expectedRev) {
      this.conflicts++;
      return false;
    }
    const pending = current?.pending ?? new Map<string, FiredAlert>();
    for (const fired of write.fired) pending.set(fired.id, clone(fired));
    this.heads.set(key, { rev: expectedRev + 1, latest: clone(write.latest), alerts: clone(write.alerts), pending, expiresAt: write.headExpiresAt });
    if (write.reading) this.rawOf(series).set(write.reading.ts, clone(write.reading));
    for (const item of write.buckets) this.rollupOf(series, item.rollup).set(item.start, { ...item.bucket, expiresAt: item.expiresAt });
    this.commits++;
    return true;
  }

  async acknowledge(series: SeriesKey, alertIds: string[]): Promise<void> {
    await tick();
    const head = this.heads.get(seriesId(series));
    for (const id of alertIds) head?.pending.delete(id);
  }

  async queryReadings(series: SeriesKey, from: number, to: number, page: PageRequest) {
    return paginate(await this.readings(series, from, to), page);
  }

  async queryBuckets(series: SeriesKey, rollup: Rollup, from: number, to: number, page: PageRequest) {
    return paginate(await this.buckets(series, rollup, from, to), page);
  }

  async latest(thingId: string) {
    await tick();
    return [...this.heads.entries()]
      .filter(([key, head]) => key.startsWith(`${thingId}|`) && head.latest !== null)
      .map(([key, head]) => ({ metric: key.slice(thingId.length + 1), value: (head.latest as { value: number }).value, at: (head.latest as { at: number }).at }));
  }

  async purge(thingId: string): Promise<number> {
    await tick();
    let count = 0;
    for (const map of [this.heads, this.raw, this.rollups] as Array<Map<string, unknown>>) {
      for (const [key, value] of [...map.entries()]) {
        if (!key.startsWith(`${thingId}|`)) continue;
        count += value instanceof Map ? value.size : 1;
        map.delete(key);
      }
    }
    return count;
  }

  /** The stored raw readings of a series, by ts. */
  rawValues(series: SeriesKey): Map<number, number> {
    return new Map([...this.rawOf(series).entries()].map(([ts, item]) => [ts, item.value]));
  }

  storedBuckets(series: SeriesKey, rollup: Rollup): Map<number, Bucket> {
    return new Map([...this.rollupOf(series, rollup).entries()].map(([start, { min, max, sum, count }]) => [start, { min, max, sum, count }]));
  }

  pendingOf(series: SeriesKey): FiredAlert[] {
    return [...(this.heads.get(seriesId(series))?.pending.values() ?? [])];
  }
}
