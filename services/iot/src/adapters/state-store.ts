// The state record of the things table behind the domain's StateStore: both documents as JSON text and the
// version every write is conditional on.
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { JsonObject } from '../domain/json-document';
import type { StateStore } from '../domain/ports';
import { emptyState } from '../domain/state';
import { entities, keys } from './keys';

interface StateItem {
  desiredJson: string;
  reportedJson: string;
  version: number;
}

export interface StateStoreOptions {
  tableName: string;
  client?: DocumentSender;
}

export function stateStore({ tableName, client = documentClient() }: StateStoreOptions): StateStore {
  const table = tableClient({ tableName, client });
  return {
    async get(thingId) {
      const item = await table.getItem<StateItem>(keys.state(thingId), { consistentRead: true });
      if (!item) return emptyState();
      return { desired: JSON.parse(item.desiredJson) as JsonObject, reported: JSON.parse(item.reportedJson) as JsonObject, version: item.version };
    },

    async save(thingId, expectedVersion, next) {
      try {
        await table.putItem(
          { ...keys.state(thingId), entity: entities.state, thingId, desiredJson: JSON.stringify(next.desired), reportedJson: JSON.stringify(next.reported), version: next.version },
          expectedVersion === 0
            ? { condition: 'attribute_not_exists(pk)' }
            : { condition: '#version = :expected', names: { '#version': 'version' }, values: { ':expected': expectedVersion } },
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionFailedError) return false;
        throw err;
      }
    },
  };
}
