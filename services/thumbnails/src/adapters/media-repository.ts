// Media records in DynamoDB. A user's records share a partition (the owner is part of every key), so a
// media item is one GetItem and a deleted user's records are one Query away, with no Scan and no index.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { MediaRecord } from '../domain/media';
import type { CompletionResult, MediaRepository, ProcessingOutcome } from '../domain/ports';
import { pendingRecordTtlSeconds } from '../domain/uploads';

export const mediaKeys = {
  pk: (ownerId: string) => `USER#${ownerId}`,
  sk: (key: string) => `MEDIA#${key}`,
};

type StoredItem = MediaRecord & { pk: string; sk: string; expiresAt?: number };

function toRecord(item: StoredItem): MediaRecord {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...record } = item;
  return record;
}

/** Deletes run this many at a time. */
const deleteBatch = 25;

export function mediaRepository(tableName: string): MediaRepository {
  const table = tableClient({ tableName });
  const key = (ownerId: string, mediaKey: string) => ({ pk: mediaKeys.pk(ownerId), sk: mediaKeys.sk(mediaKey) });

  return {
    async create(record) {
      // A record whose upload never arrives expires with DynamoDB's TTL; completion removes the attribute.
      const expiresAt = Math.floor(Date.parse(record.createdAt) / 1000) + pendingRecordTtlSeconds;
      await table.putItem({ ...key(record.ownerId, record.key), ...record, expiresAt }, { condition: 'attribute_not_exists(pk)' });
    },

    async get(ownerId, mediaKey) {
      const item = await table.getItem<StoredItem>(key(ownerId, mediaKey), { consistentRead: true });
      return item ? toRecord(item) : undefined;
    },

    async complete(ownerId, mediaKey, etag, outcome: ProcessingOutcome, now): Promise<CompletionResult> {
      const ready = outcome.status === 'ready';
      try {
        await table.updateItem({
          key: key(ownerId, mediaKey),
          update: ready
            ? 'SET #status = :status, width = :width, height = :height, thumbnails = :thumbnails, processedEtag = :etag, updatedAt = :now REMOVE expiresAt, failureReason'
            : 'SET #status = :status, failureReason = :reason, processedEtag = :etag, updatedAt = :now REMOVE expiresAt, width, height, thumbnails',
          condition: 'attribute_exists(pk) AND (attribute_not_exists(processedEtag) OR processedEtag <> :etag)',
          names: { '#status': 'status' },
          values: ready
            ? { ':status': 'ready', ':width': outcome.width, ':height': outcome.height, ':thumbnails': outcome.thumbnails, ':etag': etag, ':now': now }
            : { ':status': 'failed', ':reason': outcome.reason, ':etag': etag, ':now': now },
        });
        return 'completed';
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        return err.item ? 'already-processed' : 'missing';
      }
    },

    async markPublished(ownerId, mediaKey, etag) {
      try {
        await table.updateItem({
          key: key(ownerId, mediaKey),
          update: 'SET publishedEtag = :etag',
          condition: 'attribute_exists(pk)',
          values: { ':etag': etag },
        });
      } catch (err) {
        // Deleted meanwhile: nothing left to mark.
        if (!(err instanceof ConditionFailedError)) throw err;
      }
    },

    async deleteAllOf(ownerId) {
      let deleted = 0;
      // Each round deletes what it read, so the next round starts from the top again: no cursor to keep.
      for (;;) {
        const page = await documentClient().send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': mediaKeys.pk(ownerId) },
            ProjectionExpression: 'pk, sk',
            ConsistentRead: true,
            Limit: 100,
          }),
        );
        const items = (page.Items ?? []) as Array<{ pk: string; sk: string }>;
        if (items.length === 0) return deleted;
        for (let i = 0; i < items.length; i += deleteBatch) {
          await Promise.all(items.slice(i, i + deleteBatch).map((item) => table.deleteItem({ pk: item.pk, sk: item.sk })));
        }
        deleted += items.length;
      }
    },
  };
}
