// Media records in DynamoDB (keys and layout: keys.ts).
import { correlationId } from '@photonotes/shared/correlation';
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { MediaRecord } from '../domain/media';
import type { CompletionResult, MediaRepository, ProcessingOutcome } from '../domain/ports';
import { pendingRecordTtlSeconds } from '../domain/uploads';
import { keys } from './keys';
import type { TableKey } from './keys';

type StoredItem = Omit<MediaRecord, 'noteIds'> & { pk: string; sk: string; expiresAt?: number; noteIds?: Set<string> };

function toRecord(item: StoredItem): MediaRecord {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, noteIds, ...record } = item;
  // A string set is never empty in DynamoDB: no attribute means no note.
  return noteIds && noteIds.size > 0 ? { ...record, noteIds: [...noteIds].sort() } : record;
}

/** Records one run of a user's deletion removes at most (a repeated run resumes: it deletes what it read). */
const maxRecordsPerRun = 100_000;

export interface MediaRepositoryOptions {
  tableName: string;
  /** Defaults to the shared document client. */
  client?: DocumentSender;
}

export function mediaRepository({ tableName, client }: MediaRepositoryOptions): MediaRepository {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  const key = keys.media;

  return {
    async create(record) {
      // A record whose upload never arrives expires with DynamoDB's TTL; completion removes the attribute.
      const expiresAt = Math.floor(Date.parse(record.createdAt) / 1000) + pendingRecordTtlSeconds;
      // The request's id stays with the record, so the S3-triggered processing names the request that caused it.
      const requestId = correlationId();
      await table.putItem({ ...key(record.ownerId, record.key), ...record, ...(requestId === undefined ? {} : { correlationId: requestId }), expiresAt }, { condition: 'attribute_not_exists(pk)' });
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

    async removeUnreferenced(ownerId, mediaKey) {
      try {
        const removed = await table.deleteItem(key(ownerId, mediaKey), { condition: 'attribute_not_exists(noteIds)' });
        return removed ? 'removed' : 'missing';
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        return 'referenced';
      }
    },

    async deleteAllOf(ownerId) {
      const records = table.queryAll<TableKey>({
        keyCondition: 'pk = :pk',
        values: { ':pk': keys.userPartition(ownerId) },
        projection: 'pk, sk',
        consistentRead: true,
        maxItems: maxRecordsPerRun,
      });
      return table.deleteAll(keysOf(records));
    },
  };
}

async function* keysOf(items: AsyncIterable<TableKey>): AsyncGenerator<TableKey> {
  for await (const item of items) yield { pk: item.pk, sk: item.sk };
}
