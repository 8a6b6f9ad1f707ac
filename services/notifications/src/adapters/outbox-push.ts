// The local stage's push transport: every push is recorded in the inbox table (OUTBOX#<userId>) instead of
// being sent, and GET /dev/push-outbox lists them. Keyed by notification and device, so a repeated push is
// recorded once.
import { systemClock } from '@photonotes/shared/clock';
import type { Clock } from '@photonotes/shared/clock';
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { Platform } from '../domain/device';
import type { Page, PageRequest, PushGateway } from '../domain/ports';
import { entities, keys } from './keys';
import { partitionKeys } from './partition';

/** Recorded pushes are only looked at while developing. */
const outboxRetentionSeconds = 24 * 3600;
/** Far more than a developer's outbox holds in a day. */
const maxEntriesPerRun = 100_000;

export interface OutboxEntry {
  deviceId: string;
  userId: string;
  platform: Platform;
  token: string;
  title: string;
  body: string;
  data: Record<string, string | number>;
  sentAt: string;
}

export interface OutboxOptions {
  tableName: string;
  client?: DocumentSender;
  clock?: Clock;
}

export interface PushOutbox extends PushGateway {
  /** The pushes to the user's devices, newest notification first. */
  list(userId: string, page: PageRequest): Promise<Page<OutboxEntry>>;
}

export function pushOutbox({ tableName, client, clock = systemClock }: OutboxOptions): PushOutbox {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  return {
    async registerEndpoint() {
      return null;
    },

    async removeEndpoint() {},

    async send(device, message) {
      const sentAt = clock.now();
      const entry: OutboxEntry = {
        deviceId: device.deviceId,
        userId: device.userId,
        platform: device.platform,
        token: device.token,
        title: message.title,
        body: message.body,
        data: message.data,
        sentAt: sentAt.toISOString(),
      };
      try {
        await table.putItem(
          { ...keys.outboxPush(device.userId, message.notificationId, device.deviceId), entity: entities.outboxPush, ...entry, expiresAt: Math.floor(sentAt.getTime() / 1000) + outboxRetentionSeconds },
          { condition: 'attribute_not_exists(pk)' },
        );
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
      }
      return 'sent';
    },

    async forgetUser(userId) {
      await table.deleteAll(partitionKeys(table, keys.outboxPartition(userId), keys.pushPrefix, maxEntriesPerRun));
    },

    async list(userId, page) {
      const result = await table.queryPage<OutboxEntry>({
        keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': keys.outboxPartition(userId), ':prefix': keys.pushPrefix },
        limit: page.limit,
        cursor: page.cursor,
        cursorScope: `push-outbox:${userId}`,
        scanForward: false,
      });
      return {
        items: result.items.map(({ deviceId, userId: owner, platform, token, title, body, data, sentAt }) => ({ deviceId, userId: owner, platform, token, title, body, data, sentAt })),
        nextCursor: result.nextCursor,
      };
    },
  };
}
