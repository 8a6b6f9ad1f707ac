// The registry side of the things table behind the domain's ThingsStore. Creation and removal are single
// transactions over the thing, its device record (the credential) and the owner's count, so the 50-thing
// limit holds under concurrent requests and a removed thing's credential is gone in the same write.
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender, Transaction } from '@photonotes/shared/dynamodb';
import { ThingLimitError } from '../domain/ports';
import type { ThingsStore } from '../domain/ports';
import { entities, keys, ownerIndex } from './keys';
import type { DeviceItem, ThingItem } from './thing-items';
import { activityOf, deviceItem, fromThingItem, thingItem } from './thing-items';

export interface ThingsTableOptions {
  tableName: string;
  client?: DocumentSender;
}

/** The most items one thing's partition may hold (the thing, its records and a head per metric). */
export const maxThingPartitionItems = 1000;

type Part = 'thing' | 'device' | 'count';

export function thingsTable({ tableName, client = documentClient() }: ThingsTableOptions): ThingsStore {
  const table = tableClient({ tableName, client });

  const countBy = (tx: Transaction<Part>, ownerId: string, delta: 1 | -1, limit?: number): Transaction<Part> =>
    tx.update(keys.ownerCount(ownerId), 'SET #entity = :entity ADD #count :delta', {
      tag: 'count',
      names: { '#entity': 'entity', '#count': 'thingCount' },
      values: { ':entity': entities.ownerCount, ':delta': delta, ...(limit === undefined ? {} : { ':limit': limit }) },
      ...(limit === undefined ? {} : { condition: 'attribute_not_exists(#count) OR #count < :limit' }),
    });

  return {
    async create(thing, credential, limit) {
      try {
        const tx = table
          .transaction<Part>()
          .put(thingItem(thing), { tag: 'thing', condition: 'attribute_not_exists(pk)' })
          .put(deviceItem(thing, credential), { tag: 'device', condition: 'attribute_not_exists(pk)' });
        await countBy(tx, thing.ownerId, 1, limit).commit();
      } catch (err) {
        if (err instanceof ConditionFailedError && err.failures.some((failure) => failure.tag === 'count')) throw new ThingLimitError();
        throw err;
      }
    },

    async get(thingId) {
      const item = await table.getItem<ThingItem>(keys.thing(thingId), { consistentRead: true });
      return item ? fromThingItem(item) : undefined;
    },

    async listByOwner(ownerId, page) {
      const result = await table.queryPage<ThingItem>({
        index: ownerIndex,
        keyCondition: 'gsi1pk = :owner',
        values: { ':owner': keys.ownerThings(ownerId) },
        limit: page.limit,
        cursor: page.cursor,
        cursorScope: `things:${ownerId}`,
        scanForward: false,
      });
      const devices = await table.batchGet<DeviceItem>(result.items.map((item) => keys.device(item.thingId)));
      const byId = new Map(devices.map((device) => [device.thingId, device]));
      return {
        items: result.items.map((item) => ({ thing: fromThingItem(item), activity: activityOf(byId.get(item.thingId)) })),
        nextCursor: result.nextCursor,
      };
    },

    async update(thing) {
      const item = thingItem(thing);
      try {
        await table.updateItem({
          key: keys.thing(thing.thingId),
          update: 'SET #name = :name, #attributes = :attributes, #updatedAt = :updatedAt',
          condition: 'attribute_exists(pk)',
          names: { '#name': 'name', '#attributes': 'attributesJson', '#updatedAt': 'updatedAt' },
          values: { ':name': item.name, ':attributes': item.attributesJson, ':updatedAt': item.updatedAt },
        });
        return true;
      } catch (err) {
        if (err instanceof ConditionFailedError) return false;
        throw err;
      }
    },

    async remove(thing) {
      try {
        const tx = table
          .transaction<Part>()
          .delete(keys.thing(thing.thingId), { tag: 'thing', condition: 'attribute_exists(pk) AND #owner = :owner', names: { '#owner': 'ownerId' }, values: { ':owner': thing.ownerId } })
          .delete(keys.device(thing.thingId))
          .delete(keys.state(thing.thingId))
          .delete(keys.alertRules(thing.thingId));
        await countBy(tx, thing.ownerId, -1).commit();
        return true;
      } catch (err) {
        if (err instanceof ConditionFailedError) return false;
        throw err;
      }
    },

    async purgeRemains(thingId) {
      const remains = table.queryAll<{ pk: string; sk: string }>({
        keyCondition: 'pk = :pk',
        values: { ':pk': keys.thingPartition(thingId) },
        projection: 'pk, sk',
        consistentRead: true,
        maxItems: maxThingPartitionItems,
      });
      return table.deleteAll(remains);
    },
  };
}
