// The per-install rate window: one item per install in the aggregates table with the current second and its count,
// moved on by the first batch of a later second. Two conditional updates at most per batch.
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { InstallRates } from '../domain/ports';
import { keys } from './keys';

/** The window item outlives its second by a day, so idle installs leave nothing behind. */
const windowTtlSeconds = 24 * 3600;
/** Count-in and open attempts per batch: each lost race means another batch moved the window on. */
const maxRounds = 6;

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
      const countIn = { '#second': 'second', '#count': 'count' };
      for (let round = 0; round < maxRounds; round++) {
        // Most batches: count in the current second.
        try {
          await table.updateItem({
            key,
            update: 'SET #count = #count + :one',
            condition: '#second = :second AND #count < :limit',
            names: countIn,
            values: { ':one': 1, ':second': second, ':limit': limit },
          });
          return { admitted: true };
        } catch (err) {
          if (!(err instanceof ConditionFailedError)) throw err;
          // DynamoDB returns the item that failed the condition; read it where an emulator does not (or when there
          // was none: another batch may have opened the second since).
          const current = (err.item as unknown as WindowItem | undefined) ?? (await table.getItem<WindowItem>(key, { consistentRead: true }));
          if (current && current.second === second) {
            if (current.count >= limit) return { admitted: false, retryAfterSeconds: 1 };
            continue;
          }
          // A later second already started (this batch arrived late): let it through uncounted.
          if (current && current.second > second) return { admitted: true };
        }
        // The first batch of a new second (or of a new install) opens it.
        try {
          await table.updateItem({
            key,
            update: 'SET #second = :second, #count = :one, #expiresAt = :expiresAt',
            condition: 'attribute_not_exists(#second) OR #second < :second',
            names: { ...countIn, '#expiresAt': 'expiresAt' },
            values: { ':one': 1, ':second': second, ':expiresAt': second + windowTtlSeconds },
          });
          return { admitted: true };
        } catch (err) {
          // Another batch opened this second first: count in it, next round.
          if (!(err instanceof ConditionFailedError)) throw err;
        }
      }
      // Only a storm of batches racing for the same counter gets here: ask them to come back in a second.
      return { admitted: false, retryAfterSeconds: 1 };
    },
  };
}
