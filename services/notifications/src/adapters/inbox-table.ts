// The inbox table behind the domain's InboxStore: inbox entries (newest first by id), the delivery markers that
// let each event notify once, and the windows that let a kind of notification (note.shared of one note to one
// recipient) happen once in a while. A claim writes marker, entry and window in one transaction; read state is set
// in one transaction per request, so an unknown id leaves every entry as it was.
import { ConditionFailedError, maxTransactionItems, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { Notification } from '../domain/notification';
import type { InboxStore } from '../domain/ports';
import { entities, keys } from './keys';
import { partitionKeys } from './partition';

/** Inbox entries expire: old news. */
export const inboxRetentionSeconds = 180 * 24 * 3600;
/** Entries one account deletion removes at most per run (a repeated run resumes: it deletes what it read). */
const maxEntriesPerRun = 100_000;

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
  const table = tableClient({ tableName, ...(client ? { client } : {}) });

  return {
    async claim(key, notification, markerExpiresAt, window) {
      const { readAt: _unread, ...entry } = notification;
      const tx = table
        .transaction<'delivery' | 'entry' | 'window'>()
        .put(
          { ...keys.delivery(key), entity: entities.delivery, userId: notification.userId, notificationId: notification.id, complete: false, expiresAt: markerExpiresAt },
          { condition: 'attribute_not_exists(pk)', tag: 'delivery' },
        )
        .put(
          {
            ...keys.notification(notification.userId, notification.id),
            entity: entities.notification,
            ...entry,
            expiresAt: Math.floor(Date.parse(notification.createdAt) / 1000) + inboxRetentionSeconds,
          },
          { tag: 'entry' },
        );
      if (window) {
        // Held while its expiresAt is ahead of now: TTL deletes an expired window only eventually, so time decides.
        tx.put(
          { ...keys.deliveryWindow(window.key), entity: entities.deliveryWindow, expiresAt: window.until },
          { condition: 'attribute_not_exists(pk) OR expiresAt <= :now', values: { ':now': window.now }, tag: 'window' },
        );
      }
      try {
        await tx.commit();
        return { claimed: true, notification, pushedTo: [], complete: false };
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        const failed = new Set(err.failures.map((reason) => reason.tag));
        // A repeat of a delivery that was made: it goes on as a repeat, whoever holds the window now.
        if (!failed.has('delivery')) return { claimed: false, suppressed: true, notification: undefined, pushedTo: [], complete: true };
        // DynamoDB returns the existing marker with the failure; read it when an emulator does not.
        const marker = err.failures.find((reason) => reason.tag === 'delivery')?.item;
        const stored = (marker as DeliveryItem | undefined) ?? (await table.getItem<DeliveryItem>(keys.delivery(key), { consistentRead: true }));
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
      const tx = table.transaction();
      for (const id of ids) {
        tx.update(keys.notification(userId, id), 'SET readAt = if_not_exists(readAt, :readAt)', { condition: 'attribute_exists(pk)', values: { ':readAt': readAt } });
      }
      try {
        await tx.commit();
        return [];
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        return err.failedIndexes.map((index) => ids[index] as string);
      }
    },

    async deleteAll(userId) {
      return table.deleteAll(partitionKeys(table, keys.userPartition(userId), keys.notificationPrefix, maxEntriesPerRun));
    },
  };
}
