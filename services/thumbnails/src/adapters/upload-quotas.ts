// The upload quota counters in the media table (keys.ts; TABLES.md, "Upload quotas"): one item per pending-upload
// slot and one per UTC day's declared bytes, each written with one conditional request, never read-then-write.
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { UploadQuotas } from '../domain/ports';
import type { PendingSlot } from '../domain/upload-quotas';
import { keys, pendingSlotPrefix } from './keys';

interface SlotItem {
  sk: string;
  mediaKey: string;
  expiresAt: number;
}

/** Slots above any limit a stage may set (two digits): the Query reads at most these. */
const maxSlotItems = 100;

export interface UploadQuotasOptions {
  tableName: string;
  client?: DocumentSender;
}

export function uploadQuotas({ tableName, client }: UploadQuotasOptions): UploadQuotas {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });

  async function conditionHeld(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      if (err instanceof ConditionFailedError) return false;
      throw err;
    }
  }

  return {
    async pendingSlots(userId) {
      const { items } = await table.query<SlotItem>({
        keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': keys.userPartition(userId), ':prefix': pendingSlotPrefix },
        projection: 'sk, mediaKey, expiresAt',
        consistentRead: true,
        limit: maxSlotItems,
      });
      return items.map((item): PendingSlot => ({ slot: Number(item.sk.slice(pendingSlotPrefix.length)), mediaKey: item.mediaKey, expiresAt: item.expiresAt }));
    },

    claimPendingSlot({ userId, slot, mediaKey, expiresAt, nowSeconds }) {
      // A slot whose upload's URL expired is free even before DynamoDB's TTL removes the item.
      return conditionHeld(() =>
        table.putItem({ ...keys.pendingSlot(userId, slot), mediaKey, expiresAt }, { condition: 'attribute_not_exists(pk) OR expiresAt <= :now', values: { ':now': nowSeconds } }),
      );
    },

    async releasePendingSlot({ userId, slot, mediaKey }) {
      await conditionHeld(() => table.deleteItem(keys.pendingSlot(userId, slot), { condition: 'mediaKey = :key', values: { ':key': mediaKey } }));
    },

    addUploadBytes({ userId, day, bytes, maxBytes, expiresAt }) {
      return conditionHeld(() =>
        table.updateItem({
          key: keys.uploadBytes(userId, day),
          update: 'ADD #bytes :bytes SET expiresAt = :expiresAt',
          condition: 'attribute_not_exists(#bytes) OR #bytes <= :room',
          names: { '#bytes': 'bytes' },
          values: { ':bytes': bytes, ':room': maxBytes - bytes, ':expiresAt': expiresAt },
        }),
      );
    },

    async refundUploadBytes({ userId, day, bytes }) {
      await conditionHeld(() =>
        table.updateItem({
          key: keys.uploadBytes(userId, day),
          update: 'ADD #bytes :refund',
          condition: 'attribute_exists(#bytes)',
          names: { '#bytes': 'bytes' },
          values: { ':refund': -bytes },
        }),
      );
    },
  };
}
