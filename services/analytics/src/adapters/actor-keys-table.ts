// The actor keys table: one random key per user (pk userId). Created on a user's first event, deleted on user.deleted.
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import { newActorKey } from '../domain/actors';
import type { ActorKeys } from '../domain/ports';

interface KeyItem {
  userId: string;
  key: Uint8Array;
  createdAt: string;
}

export function actorKeysTable({ tableName, client = documentClient() }: { tableName: string; client?: DocumentSender }): ActorKeys {
  const table = tableClient({ tableName, client });
  const read = async (userId: string) => (await table.getItem<KeyItem>({ userId }, { consistentRead: true }))?.key;
  return {
    async keyOf(userId) {
      const existing = await read(userId);
      if (existing) return existing;
      const key = newActorKey();
      try {
        await table.putItem({ userId, key, createdAt: new Date().toISOString() } satisfies KeyItem, { condition: 'attribute_not_exists(userId)' });
        return key;
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        // Another request created it first: use theirs, so the user keeps one actor.
        const winner = await read(userId);
        if (!winner) throw new Error(`Actor key of ${userId} vanished while being created`, { cause: err });
        return winner;
      }
    },
    async destroy(userId) {
      await table.deleteItem({ userId });
    },
  };
}
