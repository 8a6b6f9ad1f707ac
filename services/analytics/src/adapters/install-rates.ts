// The per-install rate window: one item per install in the aggregates table with the current second and its count,
// moved on by the first batch of a later second. Two conditional updates at most per batch.
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { InstallRates } from '../domain/ports';
import { keys } from './keys';

/** The window item outlives its second by a day, so idle installs leave nothing behind. */
const windowTtlSeconds = 24 * 3600;

interface WindowItem {
  second: number;
  count: number;
}

export function installRatesTable({ tableName, client = documentClient() }: { tableName: string; client?: DocumentSender }): InstallRates {
  const table = tableClient({ tableName, client });
  return {
    async admit(installId, nowMs, limit) {
      const second = Math.floor(nowMs / 1000);
      const key = keys.installRate(installId.toLowerCase());
      const names = { '#second': 'second', '#count': 'count', '#expiresAt': 'expiresAt' };
      const expiresAt = second + windowTtlSeconds;
      // Most batches: count in the current second.
      try {
        await table.updateItem({
          key,
          update: 'SET #count = #count + :one',
          condition: '#second = :second AND #count < :limit',
          names: { '#second': 'second', '#count': 'count' },
          values: { ':one': 1, ':second': second, ':limit': limit },
        });
        return { admitted: true };
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        // DynamoDB returns the item that failed the condition; read it where an emulator does not.
        const current = (err.item as unknown as WindowItem | undefined) ?? (await table.getItem<WindowItem>(key, { consistentRead: true }));
        if (current && current.second === second) return { admitted: false, retryAfterSeconds: 1 };
        // A later second already started (this batch arrived late): let it through uncounted.
        if (current && current.second > second) return { admitted: true };
      }
      // The first batch of a new second (or of a new install) opens it.
      try {
        await table.updateItem({
          key,
          update: 'SET #second = :second, #count = :one, #expiresAt = :expiresAt',
          condition: 'attribute_not_exists(#second) OR #second < :second',
          names,
          values: { ':one': 1, ':second': second, ':expiresAt': expiresAt },
        });
        return { admitted: true };
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        // Another batch opened this second first: count in it, once more.
        try {
          await table.updateItem({
            key,
            update: 'SET #count = #count + :one',
            condition: '#second = :second AND #count < :limit',
            names: { '#second': 'second', '#count': 'count' },
            values: { ':one': 1, ':second': second, ':limit': limit },
          });
          return { admitted: true };
        } catch (again) {
          if (!(again instanceof ConditionFailedError)) throw again;
          return { admitted: false, retryAfterSeconds: 1 };
        }
      }
    },
  };
}
