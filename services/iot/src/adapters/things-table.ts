// The registry side of the things table behind the domain's ThingsStore. Creation and removal are single
// transactions over the thing, its device record (the credential) and the owner's count, so the 50-thing
// limit holds under concurrent requests and a removed thing's credential is gone in the same write.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { TransactWriteItem } from '@photonotes/shared/dynamodb';
import { ThingLimitError } from '../domain/ports';
import type { ThingsStore } from '../domain/ports';
import { batchDelete, batchGet, collect, queryAll } from './dynamodb-commands';
import { entities, keys, ownerIndex } from './keys';
import type { DeviceItem, ThingItem } from './thing-items';
import { activityOf, deviceItem, fromThingItem, thingItem } from './thing-items';

export interface ThingsTableOptions {
  tableName: string;
  client?: DynamoDBDocumentClient;
}

export function thingsTable({ tableName, client = documentClient() }: ThingsTableOptions): ThingsStore {
  const table = tableClient({ tableName, client });

  const countBy = (ownerId: string, delta: 1 | -1, limit?: number): TransactWriteItem => ({
    Update: {
      TableName: tableName,
      Key: keys.ownerCount(ownerId),
      UpdateExpression: 'SET #entity = :entity ADD #count :delta',
      ExpressionAttributeNames: { '#entity': 'entity', '#count': 'thingCount' },
      ExpressionAttributeValues: { ':entity': entities.ownerCount, ':delta': delta, ...(limit === undefined ? {} : { ':limit': limit }) },
      ...(limit === undefined ? {} : { ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit' }),
    },
  });

  return {
    async create(thing, credential, limit) {
      try {
        await table.transactWrite([
          { Put: { TableName: tableName, Item: thingItem(thing), ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: tableName, Item: deviceItem(thing, credential), ConditionExpression: 'attribute_not_exists(pk)' } },
          countBy(thing.ownerId, 1, limit),
        ]);
      } catch (err) {
        if (err instanceof ConditionFailedError && err.failedIndexes.includes(2)) throw new ThingLimitError();
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
      const devices = await batchGet<DeviceItem>(client, tableName, result.items.map((item) => keys.device(item.thingId)));
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
      const del = (key: { pk: string; sk: string }): TransactWriteItem => ({ Delete: { TableName: tableName, Key: key } });
      try {
        await table.transactWrite([
          {
            Delete: {
              TableName: tableName,
              Key: keys.thing(thing.thingId),
              ConditionExpression: 'attribute_exists(pk) AND #owner = :owner',
              ExpressionAttributeNames: { '#owner': 'ownerId' },
              ExpressionAttributeValues: { ':owner': thing.ownerId },
            },
          },
          del(keys.device(thing.thingId)),
          del(keys.state(thing.thingId)),
          del(keys.alertRules(thing.thingId)),
          countBy(thing.ownerId, -1),
        ]);
        return true;
      } catch (err) {
        if (err instanceof ConditionFailedError) return false;
        throw err;
      }
    },

    async purgeRemains(thingId) {
      const items = await collect(
        queryAll<{ pk: string; sk: string }>(client, { tableName, keyCondition: 'pk = :pk', values: { ':pk': keys.thingPartition(thingId) }, projection: 'pk, sk', consistent: true }),
      );
      await batchDelete(client, tableName, items.map(({ pk, sk }) => ({ pk, sk })));
      return items.length;
    },
  };
}
