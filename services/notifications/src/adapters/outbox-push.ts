// The local stage's push transport: every push is recorded in the inbox table (OUTBOX#<userId>) instead of
// being sent, and GET /dev/push-outbox lists them. Keyed by notification and device, so a repeated push is
// recorded once.
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { Platform } from '../domain/device';
import type { Page, PageRequest, PushGateway } from '../domain/ports';
import { entities, keys } from './keys';
import { deletePartition } from './partition';

/** Recorded pushes are only looked at while developing. */
const outboxRetentionSeconds = 24 * 3600;

export interface OutboxEntry {
  deviceId: string;
  userId: string;
  platform: Platform;
  token: string;
  title: string;
  body: string;
  data: Record<string, string>;
  sentAt: string;
}

export interface OutboxOptions {
  tableName: string;
  client?: DocumentSender;
  now?: () => Date;
}

export interface PushOutbox extends PushGateway {
  /** The pushes to the user's devices, newest notification first. */
  list(userId: string, page: PageRequest): Promise<Page<OutboxEntry>>;
}

export function pushOutbox({ tableName, client, now = () => new Date() }: OutboxOptions): PushOutbox {
  const sender = client ?? documentClient();
  const table = tableClient({ tableName, client: sender });
  return {
    async registerEndpoint() {
      return null;
    },

    async removeEndpoint() {},

    async send(device, message) {
      const sentAt = now();
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
      await deletePartition(sender, { tableName, pk: keys.outboxPartition(userId), skPrefix: keys.pushPrefix });
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
