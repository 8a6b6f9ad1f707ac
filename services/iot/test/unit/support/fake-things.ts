// In-memory things, devices, state and alert-rule stores with the same contract as the DynamoDB adapters:
// conditional writes on versions and revisions, the owner's thing limit, pagination.
import type { AlertRule, RuleSet } from '../../../src/domain/alerts';
import type { CredentialRecord } from '../../../src/domain/credentials';
import type { Admission, AlertRulesStore, ConditionalOutcome, DeviceRecord, DevicesStore, StateStore, ThingsStore, ThingSummary } from '../../../src/domain/ports';
import { ThingLimitError } from '../../../src/domain/ports';
import type { PresenceState } from '../../../src/domain/presence';
import { noPresence } from '../../../src/domain/presence';
import type { RateWindows } from '../../../src/domain/rate-limit';
import { admitMessage, noRateWindows } from '../../../src/domain/rate-limit';
import type { StoredState } from '../../../src/domain/state';
import { emptyState } from '../../../src/domain/state';
import type { StoredThing } from '../../../src/domain/thing';
import { clone, paginate, tick } from './fake-support';

interface DeviceItem {
  ownerId: string;
  credential: CredentialRecord;
  presence: PresenceState;
  presenceRev: number;
  rate: RateWindows;
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
      this.deviceItems.set(thing.thingId, { ownerId: thing.ownerId, credential: clone(credential), presence: noPresence(), presenceRev: 0, rate: noRateWindows(), lastMessageAt: null });
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
      item.rate = decision.windows;
      item.lastMessageAt = receivedAt;
      return { admitted: true, ownerId: item.ownerId };
    },
    presence: async (thingId) => {
      await tick();
      const item = this.deviceItems.get(thingId);
      return item ? { presence: clone(item.presence), rev: item.presenceRev, ownerId: item.ownerId } : undefined;
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
    this.deviceItems.set(thing.thingId, { ownerId: thing.ownerId, credential: clone(credential), presence: noPresence(), presenceRev: 0, rate: noRateWindows(), lastMessageAt: null });
  }
}

