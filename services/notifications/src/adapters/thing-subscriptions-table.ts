// Thing subscriptions in the connections table, behind the domain's ThingSubscriptionsStore: an item per thing and
// connection (what the telemetry fan-out queries by thing), and the list on the connection's own record (what a new
// subscription replaces). Both expire with the connection; one transaction keeps them together.
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { Subscriber, SubscribingConnection, ThingSubscriptionsStore } from '../domain/thing-subscriptions';
import { entities, keys } from './keys';

/** The most a thing can have: 5 connections of its owner (anyone else is refused). A margin for ones being closed. */
const maxSubscribersRead = 100;

interface ConnectionOwnerItem {
  userId: string;
  expiresAt: number;
  things?: string[];
}

export function thingSubscriptionsTable({ tableName, client }: { tableName: string; client?: DocumentSender }): ThingSubscriptionsStore {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  return {
    async connection(connectionId): Promise<SubscribingConnection | undefined> {
      const item = await table.getItem<ConnectionOwnerItem>(keys.connection(connectionId), { consistentRead: true });
      return item ? { userId: item.userId, expiresAt: item.expiresAt, things: item.things ?? [] } : undefined;
    },
    async replace(connectionId, connection, things) {
      const tx = table.transaction();
      for (const thingId of things) {
        tx.put({ ...keys.thingSubscription(thingId, connectionId), entity: entities.thingSubscription, thingId, connectionId, userId: connection.userId, expiresAt: connection.expiresAt });
      }
      for (const thingId of connection.things.filter((thingId) => !things.includes(thingId))) tx.delete(keys.thingSubscription(thingId, connectionId));
      tx.update(keys.connection(connectionId), 'SET things = :things', { condition: 'attribute_exists(pk)', values: { ':things': things } });
      try {
        await tx.commit();
        return true;
      } catch (err) {
        if (err instanceof ConditionFailedError) return false;
        throw err;
      }
    },
    async subscribers(thingId): Promise<Subscriber[]> {
      const { items } = await table.query<Subscriber>({
        keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': keys.thingPartition(thingId), ':prefix': keys.connectionPrefix },
        projection: 'connectionId, userId',
        limit: maxSubscribersRead,
      });
      return items.map((item) => ({ connectionId: item.connectionId, userId: item.userId }));
    },
    async remove(thingId, connectionId) {
      await table.deleteItem(keys.thingSubscription(thingId, connectionId));
    },
  };
}
