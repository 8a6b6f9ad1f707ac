// Claimed event ids in the aggregates table: one small item per event id for 7 days (API.md: an id seen in the last
// 7 days is counted once), naming the work that claimed it, so a retry of that same work finds its claims again.
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { EventClaims } from '../domain/ports';
import { keys } from './keys';

export const claimTtlSeconds = 7 * 24 * 3600;
/** Conditional puts in flight at once: one round trip each, so a batch of thousands needs them side by side. */
const claimConcurrency = 24;

export function eventClaimsTable({ tableName, client = documentClient(), now = () => Date.now() }: { tableName: string; client?: DocumentSender; now?: () => number }): EventClaims {
  const table = tableClient({ tableName, client });
  return {
    async claim(ids, owner) {
      const ours = new Set<string>();
      const expiresAt = Math.floor(now() / 1000) + claimTtlSeconds;
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++] as string;
          try {
            await table.putItem(
              { ...keys.eventClaim(id), owner, expiresAt },
              // An expired claim may linger until TTL removes it: it no longer counts.
              { condition: 'attribute_not_exists(pk) OR #owner = :owner OR #expiresAt < :now', names: { '#owner': 'owner', '#expiresAt': 'expiresAt' }, values: { ':owner': owner, ':now': expiresAt - claimTtlSeconds } },
            );
            ours.add(id);
          } catch (err) {
            if (!(err instanceof ConditionFailedError)) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(claimConcurrency, ids.length) }, worker));
      return ours;
    },
  };
}
