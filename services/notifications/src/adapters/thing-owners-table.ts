// The thing-owners table behind the domain's ThingOwnersStore: one item per thing, written only by thing.state
// events, every write conditional, so repeats and late arrivals change nothing.
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { ThingOwner, ThingOwnersStore } from '../domain/thing-subscriptions';
import { entities, keys } from './keys';

interface ThingOwnerItem {
  thingId: string;
  ownerId?: string;
  revision?: number;
  deleted?: boolean;
}

export function thingOwnersTable({ tableName, client }: { tableName: string; client?: DocumentSender }): ThingOwnersStore {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  return {
    async get(thingId): Promise<ThingOwner | undefined> {
      const item = await table.getItem<ThingOwnerItem>(keys.thingOwner(thingId), { consistentRead: true });
      return item ? { thingId, ownerId: item.ownerId ?? null, revision: item.revision ?? -1, deleted: item.deleted === true } : undefined;
    },
    async record(thingId, ownerId, revision) {
      try {
        await table.updateItem({
          key: keys.thingOwner(thingId),
          update: 'SET entity = :entity, thingId = :thingId, ownerId = :ownerId, revision = :revision, deleted = :false',
          // A deletion is final; a lower revision is an older picture; the same one is a retry and applies again.
          condition: 'attribute_not_exists(pk) OR (deleted = :false AND revision <= :revision)',
          values: { ':entity': entities.thingOwner, ':thingId': thingId, ':ownerId': ownerId, ':revision': revision, ':false': false },
        });
        return 'applied';
      } catch (err) {
        if (err instanceof ConditionFailedError) return 'stale';
        throw err;
      }
    },
    async markDeleted(thingId, expiresAt) {
      await table.updateItem({
        key: keys.thingOwner(thingId),
        update: 'SET entity = :entity, thingId = :thingId, deleted = :true, expiresAt = :expiresAt',
        values: { ':entity': entities.thingOwner, ':thingId': thingId, ':true': true, ':expiresAt': expiresAt },
      });
    },
  };
}
