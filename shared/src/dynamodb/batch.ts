// BatchGetItem and BatchWriteItem in DynamoDB's chunk sizes. DynamoDB may process only part of a batch
// (throttling, 16 MB): the leftovers are sent again after a jittered backoff, a bounded number of times.
// That completes one call; it is not a retry of a failed write, so it nests under no other retry layer.
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { backoff } from '../backoff';
import type { BackoffPolicy } from '../backoff';
import { send } from './client';
import type { AttributeMap, DocumentSender } from './client';
import { BatchIncompleteError } from './errors';

/** DynamoDB's limits per request. */
export const batchGetSize = 100;
export const batchWriteSize = 25;

/** Leftovers usually mean throttling, which needs room: bounds of 25 ms doubling to 1 s. */
const batchBackoff: BackoffPolicy = { baseMs: 25, capMs: 1000 };

export interface BatchOptions {
  /** Requests per call, leftovers included; the call fails with BatchIncompleteError after the last. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
}

export interface BatchGetOptions {
  projection?: string;
  names?: Record<string, string>;
  consistentRead?: boolean;
}

export interface DeleteAllOptions {
  /** Keys gathered before they are deleted; 100 by default. */
  chunk?: number;
  /** Chunks of 25 in flight at once; 4 by default. */
  concurrency?: number;
}

export interface BatchWriteInput {
  puts?: object[];
  deletes?: AttributeMap[];
  /** Chunks of 25 in flight at once; 1 by default. */
  concurrency?: number;
}

type WriteRequest = { PutRequest: { Item: AttributeMap } } | { DeleteRequest: { Key: AttributeMap } };

interface BatchGetOutput {
  Responses?: Record<string, AttributeMap[]>;
  UnprocessedKeys?: Record<string, { Keys?: AttributeMap[] }>;
}

interface BatchWriteOutput {
  UnprocessedItems?: Record<string, WriteRequest[]>;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function distinct(keys: AttributeMap[]): AttributeMap[] {
  return [...new Map(keys.map((key) => [JSON.stringify(key), key])).values()];
}

export function batches(client: DocumentSender, tableName: string, options: BatchOptions = {}) {
  const maxAttempts = options.maxAttempts ?? 8;
  const policy = options.backoff ?? batchBackoff;

  /** Sends `requests` and then whatever DynamoDB left of them, until none is left or the attempts run out. */
  async function untilProcessed<R>(operation: BatchIncompleteError['operation'], requests: R[], call: (pending: R[]) => Promise<R[]>): Promise<void> {
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) throw new BatchIncompleteError(operation, pending.length);
      if (attempt > 1) await backoff(attempt - 1, policy);
      pending = await call(pending);
    }
  }

  /** Puts and deletes, unconditionally and idempotently; not atomic (use a transaction for that). */
  async function batchWrite({ puts = [], deletes = [], concurrency = 1 }: BatchWriteInput): Promise<void> {
    const requests: WriteRequest[] = [
      ...puts.map((item) => ({ PutRequest: { Item: item as AttributeMap } })),
      // DynamoDB refuses a request that names one key twice.
      ...distinct(deletes).map((key) => ({ DeleteRequest: { Key: key } })),
    ];
    const all = chunks(requests, batchWriteSize);
    for (const wave of chunks(all, Math.max(1, concurrency))) {
      await Promise.all(
        wave.map((chunk) =>
          untilProcessed('BatchWriteItem', chunk, async (pending) => {
            const out = await send<BatchWriteOutput>(client, new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
            return out.UnprocessedItems?.[tableName] ?? [];
          }),
        ),
      );
    }
  }

  return {
    batchWrite,

    /** The items that exist among `keys` (duplicates are asked once), in no particular order. */
    async batchGet<T>(keys: AttributeMap[], get: BatchGetOptions = {}): Promise<T[]> {
      const found: T[] = [];
      for (const chunk of chunks(distinct(keys), batchGetSize)) {
        await untilProcessed('BatchGetItem', chunk, async (pending) => {
          const out = await send<BatchGetOutput>(
            client,
            new BatchGetCommand({
              RequestItems: {
                [tableName]: { Keys: pending, ProjectionExpression: get.projection, ExpressionAttributeNames: get.names, ConsistentRead: get.consistentRead },
              },
            }),
          );
          found.push(...((out.Responses?.[tableName] ?? []) as T[]));
          return out.UnprocessedKeys?.[tableName]?.Keys ?? [];
        });
      }
      return found;
    },

    /**
     * Deletes every key `keys` yields, a chunk at a time as they come, so a run that stops early (a query cap,
     * a timeout) keeps what it deleted and a repeated run resumes. Returns how many keys were deleted.
     */
    async deleteAll(keys: AsyncIterable<AttributeMap>, { chunk = 100, concurrency = 4 }: DeleteAllOptions = {}): Promise<number> {
      let pending: AttributeMap[] = [];
      let deleted = 0;
      const flush = async () => {
        const chunkKeys = distinct(pending);
        await batchWrite({ deletes: chunkKeys, concurrency });
        deleted += chunkKeys.length;
        pending = [];
      };
      for await (const key of keys) {
        pending.push(key);
        if (pending.length >= chunk) await flush();
      }
      await flush();
      return deleted;
    },
  };
}
