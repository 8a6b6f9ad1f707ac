// The inbox table behind the domain's InboxStore: inbox entries (newest first by id) and the delivery markers
// that let each event notify once. A claim writes marker and entry in one transaction; read state is set in one
// transaction per request, so an unknown id leaves every entry as it was.
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender, TransactWriteItem } from '@photonotes/shared/dynamodb';
import type { Notification } from '../domain/notification';
import type { InboxStore } from '../domain/ports';
import { entities, keys } from './keys';
import { deletePartition } from './partition';

/** Inbox entries expire: old news, and entries for ids that were never users (sharedWith is not checked). */
export const inboxRetentionSeconds = 180 * 24 * 3600;
/** DynamoDB's limit of items in one transaction. */
const maxTransactionItems = 100;

interface NotificationItem extends Omit<Notification, 'readAt'> {
  pk: string;
  sk: string;
  readAt?: string;
}

interface DeliveryItem {
  userId: string;
  notificationId: string;
  pushedTo?: Set<string>;
  complete?: boolean;
}

export interface InboxTableOptions {
  tableName: string;
  client?: DocumentSender;
}

function fromItem(item: NotificationItem): Notification {
  return {
    id: item.id,
    userId: item.userId,
    type: item.type,
    title: item.title,
    body: item.body,
    data: item.data,
    createdAt: item.createdAt,
    readAt: item.readAt ?? null,
  };
}

export function inboxTable({ tableName, client }: InboxTableOptions): InboxStore {
  const sender = client ?? documentClient();
  const table = tableClient({ tableName, client: sender });

  return {
    async claim(key, notification, markerExpiresAt) {
      const { readAt: _unread, ...entry } = notification;
      const items: TransactWriteItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: { ...keys.delivery(key), entity: entities.delivery, userId: notification.userId, notificationId: notification.id, complete: false, expiresAt: markerExpiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: {
              ...keys.notification(notification.userId, notification.id),
              entity: entities.notification,
              ...entry,
              expiresAt: Math.floor(Date.parse(notification.createdAt) / 1000) + inboxRetentionSeconds,
            },
          },
        },
      ];
      try {
        await table.transactWrite(items);
        return { claimed: true, notification, pushedTo: [], complete: false };
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        // DynamoDB returns the existing marker with the failure; read it when an emulator does not.
        const stored = (err.item as DeliveryItem | undefined) ?? (await table.getItem<DeliveryItem>(keys.delivery(key), { consistentRead: true }));
        if (!stored) throw err;
        const entry = await table.getItem<NotificationItem>(keys.notification(stored.userId, stored.notificationId), { consistentRead: true });
        return { claimed: false, notification: entry ? fromItem(entry) : undefined, pushedTo: [...(stored.pushedTo ?? [])], complete: stored.complete === true };
      }
    },

    async recordPushes(key, deviceIds, complete) {
      const set = [deviceIds.length > 0 ? 'ADD pushedTo :deviceIds' : '', complete ? 'SET complete = :complete' : ''].filter(Boolean);
      if (set.length === 0) return;
      await table.updateItem({
        key: keys.delivery(key),
        update: set.join(' '),
        values: { ...(deviceIds.length > 0 ? { ':deviceIds': new Set(deviceIds) } : {}), ...(complete ? { ':complete': true } : {}) },
      });
    },

    async list(userId, page) {
      const result = await table.queryPage<NotificationItem>({
        keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': keys.userPartition(userId), ':prefix': keys.notificationPrefix },
        limit: page.limit,
        cursor: page.cursor,
        cursorScope: `notifications:${userId}`,
        scanForward: false,
      });
      return { items: result.items.map(fromItem), nextCursor: result.nextCursor };
    },

    async markRead(userId, ids, readAt) {
      if (ids.length === 0) return [];
      if (ids.length > maxTransactionItems) throw new Error(`At most ${maxTransactionItems} ids per request`);
      try {
        await table.transactWrite(
          ids.map((id) => ({
            Update: {
              TableName: tableName,
              Key: keys.notification(userId, id),
              UpdateExpression: 'SET readAt = if_not_exists(readAt, :readAt)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':readAt': readAt },
            },
          })),
        );
        return [];
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        return err.failedIndexes.map((index) => ids[index] as string);
      }
    },

    async deleteAll(userId) {
      return deletePartition(sender, { tableName, pk: keys.userPartition(userId), skPrefix: keys.notificationPrefix });
    },
  };
}
