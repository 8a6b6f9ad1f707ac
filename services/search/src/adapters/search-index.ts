// The search index table behind the domain's SearchIndex: document records with conditional writes,
// postings in batches of 25 (BatchWriteItem) with unprocessed items retried, candidates' records in
// batches of 100 (BatchGetItem).
import { BatchGetCommand, BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { AttributeMap } from '@photonotes/shared/dynamodb';
import type { Posting, PostingSet } from '../domain/index-entry';
import { DocChangedError } from '../domain/ports';
import type { IndexedDoc, NotePosting, PostingsPage, SearchIndex } from '../domain/ports';
import { entities, keys } from './keys';

const writeBatchSize = 25;
const readBatchSize = 100;
/** Batch writes of one note in flight at once. */
const writeParallelism = 8;
const maxBatchAttempts = 8;
/** Tombstones outlive every stream record of their note (streams keep records 24 hours). */
const tombstoneTtlSeconds = 7 * 24 * 3600;

/** An IndexedDoc as stored: its key, and `pending` left out (not null) when there is none. */
interface DocItem extends Omit<IndexedDoc, 'pending'> {
  pk: string;
  sk: string;
  entity: string;
  pending?: PostingSet;
  expiresAt?: number;
}

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

export interface SearchIndexOptions {
  tableName: string;
  client?: DynamoDBDocumentClient;
  now?: () => number;
}

export function searchIndex({ tableName, client = documentClient(), now = Date.now }: SearchIndexOptions): SearchIndex {
  const table = tableClient({ tableName, client });

  async function batchWrite(requests: WriteRequest[]): Promise<void> {
    let unprocessed = requests;
    for (let attempt = 1; unprocessed.length > 0; attempt++) {
      if (attempt > maxBatchAttempts) throw new Error(`BatchWriteItem left ${unprocessed.length} items unprocessed`);
      if (attempt > 1) await backoff(attempt);
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: unprocessed } }));
      unprocessed = (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }

  return {
    async getDoc(noteId) {
      const item = await table.getItem<DocItem>(keys.doc(noteId), { consistentRead: true });
      return item ? fromDocItem(item) : undefined;
    },

    async putDoc(doc, expectedVersion) {
      try {
        await table.putItem(toDocItem(doc, now), expectedVersion === null ? { condition: 'attribute_not_exists(pk)' } : { condition: 'version = :expected', values: { ':expected': expectedVersion } });
      } catch (err) {
        if (err instanceof ConditionFailedError) throw new DocChangedError(doc.noteId);
        throw err;
      }
    },

    async completeDoc(noteId, version) {
      try {
        await table.updateItem({ key: keys.doc(noteId), update: 'REMOVE pending', condition: 'version = :version', values: { ':version': version } });
      } catch (err) {
        // A newer version took over, and with it this version's leftovers.
        if (!(err instanceof ConditionFailedError)) throw err;
      }
    },

    async writePostings(noteId, puts, deletes) {
      const requests: WriteRequest[] = [
        ...puts.map((posting: Posting) => ({ PutRequest: { Item: { ...keys.posting(noteId, posting) } } })),
        ...deletes.map((posting: Posting) => ({ DeleteRequest: { Key: { ...keys.posting(noteId, posting) } } })),
      ];
      const batches: WriteRequest[][] = [];
      for (let i = 0; i < requests.length; i += writeBatchSize) batches.push(requests.slice(i, i + writeBatchSize));
      for (let i = 0; i < batches.length; i += writeParallelism) {
        await Promise.all(batches.slice(i, i + writeParallelism).map(batchWrite));
      }
    },

    async queryPostings({ principal, term, prefix, limit }): Promise<PostingsPage> {
      const range = keys.postingRange(principal, term, prefix);
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': range.pk, ':sk': range.skPrefix },
          ProjectionExpression: 'sk',
          Limit: limit,
        }),
      );
      const postings: NotePosting[] = [];
      for (const item of out.Items ?? []) {
        const parsed = keys.parsePostingSortKey(String(item.sk));
        if (parsed) postings.push(parsed);
      }
      return { postings, truncated: out.LastEvaluatedKey !== undefined };
    },

    async getDocs(noteIds) {
      const docs = new Map<string, IndexedDoc>();
      const unique = [...new Set(noteIds)];
      for (let i = 0; i < unique.length; i += readBatchSize) {
        let pending: AttributeMap[] = unique.slice(i, i + readBatchSize).map((id) => ({ ...keys.doc(id) }));
        for (let attempt = 1; pending.length > 0; attempt++) {
          if (attempt > maxBatchAttempts) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
          if (attempt > 1) await backoff(attempt);
          const out = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
          for (const item of (out.Responses?.[tableName] ?? []) as DocItem[]) docs.set(item.noteId, fromDocItem(item));
          pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as AttributeMap[];
        }
      }
      return docs;
    },
  };
}

function toDocItem(doc: IndexedDoc, now: () => number): DocItem {
  const item: DocItem = {
    ...keys.doc(doc.noteId),
    entity: entities.doc,
    noteId: doc.noteId,
    version: doc.version,
    deleted: doc.deleted,
    ownerId: doc.ownerId,
    title: doc.title,
    body: doc.body,
    updatedAt: doc.updatedAt,
    principals: doc.principals,
    terms: doc.terms,
  };
  if (doc.pending) item.pending = doc.pending;
  if (doc.deleted) item.expiresAt = Math.floor(now() / 1000) + tombstoneTtlSeconds;
  return item;
}

function fromDocItem(item: DocItem): IndexedDoc {
  return {
    noteId: item.noteId,
    version: Number(item.version),
    deleted: item.deleted === true,
    ownerId: item.ownerId ?? '',
    title: item.title ?? '',
    body: item.body ?? '',
    updatedAt: item.updatedAt ?? '',
    principals: item.principals ?? [],
    terms: item.terms ?? {},
    pending: item.pending ? { principals: item.pending.principals ?? [], terms: item.pending.terms ?? {} } : null,
  };
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
