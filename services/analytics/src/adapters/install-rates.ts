// The per-install rate window: one item per install and second in the aggregates table, counting that second's
// batches. One conditional update per batch, whatever came before: it adds the batch to its second's count unless
// the count has reached the limit (the item is created by the first batch of the second).
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { InstallRates } from '../domain/ports';
import { keys } from './keys';

/** A second's item is useless once the second is over; TTL removes it within a day or two of this. */
export const windowTtlSeconds = 3600;

export function installRatesTable({ tableName, client = documentClient() }: { tableName: string; client?: DocumentSender }): InstallRates {
  const table = tableClient({ tableName, client });
  return {
    async admit(installId, nowMs, limit) {
      const second = Math.floor(nowMs / 1000);
      try {
        await table.updateItem({
          key: keys.installRate(installId.toLowerCase(), second),
          update: 'ADD #count :one SET #expiresAt = :expiresAt',
          condition: 'attribute_not_exists(#count) OR #count < :limit',
          names: { '#count': 'count', '#expiresAt': 'expiresAt' },
          values: { ':one': 1, ':limit': limit, ':expiresAt': second + windowTtlSeconds },
        });
        return { admitted: true };
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        return { admitted: false, retryAfterSeconds: 1 };
      }
    },
  };
}
