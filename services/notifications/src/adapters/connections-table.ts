// The connections table behind the domain's ConnectionsStore. Each connection is two items written and removed
// together: one under its user (what the cap and the fan-out query) and one under its id (what $disconnect has).
import { tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { Connection, ConnectionsStore } from '../domain/realtime';
import type { ExpiringConnections } from '../domain/realtime-fanout';
import { entities, keys } from './keys';

/** A user has at most a handful (the cap, plus ones being closed); one read covers them. */
const maxConnectionsRead = 100;

export interface ConnectionsTableOptions {
  tableName: string;
  client?: DocumentSender;
}

function fromItem(item: Connection): Connection {
  return { connectionId: item.connectionId, userId: item.userId, connectedAt: item.connectedAt, tokenExpiresAt: item.tokenExpiresAt, expiresAt: item.expiresAt };
}

export function connectionsTable({ tableName, client }: ConnectionsTableOptions): ConnectionsStore {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  return {
    async add(connection) {
      const tx = table.transaction();
      tx.put({ ...keys.userConnection(connection.userId, connection.connectionId), entity: entities.connection, ...connection });
      tx.put({ ...keys.connection(connection.connectionId), ...keys.connectionExpiry(connection.tokenExpiresAt, connection.connectionId), entity: entities.connectionOwner, ...connection });
      await tx.commit();
    },
    async listByUser(userId) {
      const { items } = await table.query<Connection>({
        keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': keys.userPartition(userId), ':prefix': keys.connectionPrefix },
        consistentRead: true,
        limit: maxConnectionsRead,
      });
      return items.map(fromItem);
    },
    async remove(connectionId) {
      const owner = await table.getItem<Connection>(keys.connection(connectionId), { consistentRead: true });
      if (!owner) return undefined;
      const tx = table.transaction();
      tx.delete(keys.userConnection(owner.userId, connectionId));
      tx.delete(keys.connection(connectionId));
      await tx.commit();
      return fromItem(owner);
    },
  };
}

/** The byTokenExpiry index (keys.ts): the sweep reads the minutes it looks back over, one small partition each. */
export const tokenExpiryIndex = 'byTokenExpiry';
/** Far above the connections whose tokens expire in one minute; more fails loudly rather than run on. */
const maxExpiringPerMinute = 50_000;

export function connectionExpiries({ tableName, client }: ConnectionsTableOptions): ExpiringConnections {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  return {
    async expiredBy(at, lookbackMinutes) {
      const minutes = Array.from({ length: lookbackMinutes + 1 }, (_, i) => new Date(at.getTime() - i * 60_000).toISOString());
      const found = await Promise.all(
        minutes.map(async (minute) => {
          const items: Connection[] = [];
          const partition = { index: tokenExpiryIndex, keyCondition: 'expiryPk = :pk', values: { ':pk': keys.tokenExpiryPartition(minute) }, maxItems: maxExpiringPerMinute };
          for await (const item of table.queryAll<Connection>(partition)) items.push(item);
          return items;
        }),
      );
      return found.flat().filter((connection) => Date.parse(connection.tokenExpiresAt) <= at.getTime()).map(fromItem);
    },
  };
}
