// The known-users projection in the notes table (keys.ts: pk USER#<userId>, sk KNOWN): one small item per user
// id that user-events announced, replaced by a tombstone when the account is deleted. Sharees are checked with
// one consistent BatchGetItem, never a Scan. These items are not notes: the stream's readers filter them out.
import { ConditionFailedError } from '@photonotes/shared/dynamodb';
import type { TableClient } from '@photonotes/shared/dynamodb';
import type { KnownUsers } from '../domain/known-users';
import { entities, keys } from './keys';

/**
 * How long a deleted account's tombstone is kept. It only has to outlive a late sign-up event of the same id:
 * SNS retries for at most 6 h and a failure queue keeps a message for 14 days before anyone could redrive it.
 */
export const knownUserTombstoneDays = 30;

interface KnownUserItem {
  pk: string;
  sk: string;
  userId: string;
  deletedAt?: string;
}

export function knownUsers(table: TableClient): KnownUsers {
  return {
    async unknownAmong(userIds) {
      const ids = [...new Set(userIds)];
      if (ids.length === 0) return [];
      const found = await table.batchGet<KnownUserItem>(
        ids.map((userId) => keys.knownUser(userId)),
        { projection: 'userId, deletedAt', consistentRead: true },
      );
      const known = new Set(found.filter((item) => item.deletedAt === undefined).map((item) => item.userId));
      return ids.filter((userId) => !known.has(userId));
    },

    async recordSignedUp(userId, signedUpAt) {
      try {
        await table.putItem({ ...keys.knownUser(userId), entity: entities.knownUser, userId, signedUpAt }, { condition: 'attribute_not_exists(pk)' });
        return true;
      } catch (err) {
        // Known already (a repeated event), or deleted: a deletion is never undone by a late sign-up.
        if (err instanceof ConditionFailedError) return false;
        throw err;
      }
    },

    async recordDeleted(userId, deletedAt) {
      const expiresAt = Math.floor(Date.parse(deletedAt) / 1000) + knownUserTombstoneDays * 86_400;
      await table.putItem({ ...keys.knownUser(userId), entity: entities.knownUser, userId, deletedAt, expiresAt });
    },
  };
}
