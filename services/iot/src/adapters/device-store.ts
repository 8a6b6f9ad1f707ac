// The device record of the things table behind the domain's DevicesStore: the credential the authorizer
// checks, the per-second rate window every message passes, the arrival of the last admitted message and
// the presence folded from lifecycle events. One small item, so the per-message write stays one unit.
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { ConditionalOutcome, DevicesStore } from '../domain/ports';
import { noPresence } from '../domain/presence';
import type { RateSlot } from '../domain/rate-limit';
import { rateSlotOf } from '../domain/rate-limit';
import { keys } from './keys';
import type { DeviceItem } from './thing-items';
import { activityOf, credentialOf } from './thing-items';

export interface DeviceStoreOptions {
  tableName: string;
  client?: DocumentSender;
}

const maxAdmitRounds = 4;
const maxRemembered = 10_000;
const rateAttributes = {
  even: { second: 'rateEvenSecond', count: 'rateEvenCount' },
  odd: { second: 'rateOddSecond', count: 'rateOddCount' },
} as const satisfies Record<RateSlot, { second: keyof DeviceItem; count: keyof DeviceItem }>;

export function deviceStore({ tableName, client = documentClient() }: DeviceStoreOptions): DevicesStore {
  const table = tableClient({ tableName, client });
  /** The second each thing was last admitted in by this container (newest last): which update to try first. */
  const recentlyAdmitted = new Map<string, number>();
  const remember = (thingId: string, second: number) => {
    recentlyAdmitted.delete(thingId);
    recentlyAdmitted.set(thingId, second);
    if (recentlyAdmitted.size > maxRemembered) recentlyAdmitted.delete(recentlyAdmitted.keys().next().value as string);
  };

  /** The item that failed a condition: DynamoDB returns it (ALL_OLD); read it when an emulator does not. */
  async function failedItem(err: ConditionFailedError, thingId: string): Promise<DeviceItem | undefined> {
    if (err.item) return err.item as unknown as DeviceItem;
    return table.getItem<DeviceItem>(keys.device(thingId), { consistentRead: true });
  }

  /** Runs a conditional update; a failed condition answers 'gone' when the record no longer exists. */
  async function conditional(thingId: string, update: Parameters<typeof table.updateItem>[0]): Promise<ConditionalOutcome> {
    try {
      await table.updateItem(update);
      return 'saved';
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err;
      return (await failedItem(err, thingId)) ? 'conflict' : 'gone';
    }
  }

  return {
    async get(thingId) {
      const item = await table.getItem<DeviceItem>(keys.device(thingId), { consistentRead: true });
      return item ? { thingId: item.thingId, ownerId: item.ownerId, credential: credentialOf(item), activity: activityOf(item) } : undefined;
    },

    replaceCredential(thingId, expectedGeneration, next) {
      return conditional(thingId, {
        key: keys.device(thingId),
        update: 'SET #generation = :generation, #verifier = :verifier',
        condition: 'attribute_exists(pk) AND #generation = :expected',
        names: { '#generation': 'credGeneration', '#verifier': 'credVerifier' },
        values: { ':generation': next.generation, ':verifier': next.verifier, ':expected': expectedGeneration },
      });
    },

    // The windows of rate-limit.ts as two conditional updates of the second's slot: start its second, or count
    // within it. A message whose slot holds a newer second is admitted without counting. Either update may come
    // first (a failed one returns the item, which says what to do next): opening first costs one request for a
    // thing sending less than once a second, which most do; counting first, when this container has just admitted
    // the thing in the same second.
    async admit(thingId, receivedAt, limit) {
      const second = Math.floor(receivedAt / 1000);
      const attributes = rateAttributes[rateSlotOf(second)];
      // Expressions alias every attribute: DynamoDB reserves many everyday words.
      const names = { '#second': attributes.second, '#count': attributes.count, '#last': 'lastMessageAt' };
      const updates = {
        open: {
          key: keys.device(thingId),
          update: 'SET #second = :second, #count = :one, #last = :now',
          condition: 'attribute_exists(pk) AND (attribute_not_exists(#second) OR #second < :second)',
          names,
          values: { ':one': 1, ':now': receivedAt, ':second': second },
        },
        count: {
          key: keys.device(thingId),
          update: 'SET #count = #count + :one, #last = :now',
          condition: 'attribute_exists(pk) AND #second = :second AND #count < :limit',
          names,
          values: { ':one': 1, ':now': receivedAt, ':second': second, ':limit': limit },
        },
      };
      let step: keyof typeof updates = recentlyAdmitted.get(thingId) === second ? 'count' : 'open';
      for (let round = 0; round < maxAdmitRounds; round++) {
        try {
          const item = await table.updateItem<DeviceItem>(updates[step]);
          remember(thingId, second);
          return { admitted: true, ownerId: item.ownerId };
        } catch (err) {
          if (!(err instanceof ConditionFailedError)) throw err;
          const current = await failedItem(err, thingId);
          if (!current) return { admitted: false, reason: 'unknown_thing' };
          const windowSecond = current[attributes.second];
          if (windowSecond !== undefined && windowSecond > second) return { admitted: true, ownerId: current.ownerId };
          if (windowSecond === second && step === 'count') return { admitted: false, reason: 'rate_limited' };
          // Another message opened this second first: count in it (or, had it been older, open it).
          step = windowSecond === second ? 'count' : 'open';
        }
      }
      throw new Error(`Rate window of ${thingId} kept changing`);
    },

    async presence(thingId) {
      const item = await table.getItem<DeviceItem>(keys.device(thingId), { consistentRead: true });
      return item ? { presence: item.presence ?? noPresence(), rev: item.presenceRev ?? 0, ownerId: item.ownerId } : undefined;
    },

    savePresence(thingId, rev, next) {
      return conditional(thingId, {
        key: keys.device(thingId),
        update: 'SET #presence = :presence, #rev = :next',
        condition: rev === 0 ? 'attribute_exists(pk) AND (attribute_not_exists(#rev) OR #rev = :rev)' : 'attribute_exists(pk) AND #rev = :rev',
        names: { '#presence': 'presence', '#rev': 'presenceRev' },
        values: { ':presence': next, ':next': rev + 1, ':rev': rev },
      });
    },
  };
}
