// GET /users?email= over the users table: the address index (gsi `email`, on the profile's lower-case `email`,
// which tombstones, refresh-token records and look-up windows do not carry) and the per-caller look-up windows
// (keys.ts: pk LOOKUPS#<userId>). No Scan: one Query of the index and one or two conditional writes a look-up.
import { ConditionFailedError } from '@photonotes/shared/dynamodb';
import type { TableClient } from '@photonotes/shared/dynamodb';
import type { LookupAllowance, UserDirectory, UserMatch } from '../domain/user-lookup';
import { emailIndex, keys } from './keys';

interface WindowItem {
  openedAt: number;
  count: number;
}

export function userDirectory(table: TableClient): UserDirectory {
  return {
    async findByEmail(email) {
      // Cognito keeps addresses unique; a second match could only be a stale index entry, so the first is taken.
      const { items } = await table.query<UserMatch>({
        index: emailIndex,
        keyCondition: '#email = :email',
        names: { '#email': 'email' },
        values: { ':email': email },
        limit: 1,
      });
      const match = items[0];
      return match?.userId ? { userId: match.userId, displayName: match.displayName } : undefined;
    },
  };
}

/**
 * admitLookup (domain/user-lookup.ts) as conditional writes, so concurrent look-ups of one caller never get more
 * than the limit through: count in the open window while it has room; else open a new one if the old one closed.
 * Each write is conditional on what made it right, so a race lost to another look-up is simply tried again.
 */
export function lookupAllowance(table: TableClient): LookupAllowance {
  const attempts = 4;
  return {
    async admit(callerId, now, limit, windowSeconds) {
      const nowMs = now.getTime();
      const windowMs = windowSeconds * 1000;
      const key = keys.lookups(callerId);
      const names = { '#openedAt': 'openedAt', '#count': 'count' };
      for (let attempt = 0; attempt < attempts; attempt++) {
        try {
          await table.updateItem({
            key,
            update: 'ADD #count :one',
            condition: '#openedAt > :closedBefore AND #count < :limit',
            names,
            values: { ':one': 1, ':closedBefore': nowMs - windowMs, ':limit': limit },
          });
          return { admitted: true };
        } catch (err) {
          if (!(err instanceof ConditionFailedError)) throw err;
          const current = err.item as WindowItem | undefined;
          if (current && current.openedAt > nowMs - windowMs) {
            return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((current.openedAt + windowMs - nowMs) / 1000)) };
          }
        }
        try {
          // The window item outlives its hour a little; TTL removes it some time after.
          await table.putItem(
            { ...key, openedAt: nowMs, count: 1, expiresAt: Math.ceil((nowMs + windowMs) / 1000) + 60 },
            { condition: 'attribute_not_exists(pk) OR #openedAt <= :closedBefore', names: { '#openedAt': 'openedAt' }, values: { ':closedBefore': nowMs - windowMs } },
          );
          return { admitted: true };
        } catch (err) {
          // Another look-up opened the window first: count in it.
          if (!(err instanceof ConditionFailedError)) throw err;
        }
      }
      // Only a storm of concurrent look-ups by one caller gets here: it is told to slow down.
      return { admitted: false, retryAfterSeconds: 1 };
    },
  };
}
