// The few DynamoDB calls the shared tableClient does not offer yet: strongly consistent queries over every
// page, batched reads and batched deletes. Kept in this one module so the service can move to the richer
// shared client when it has them.
import { BatchGetCommand, BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AttributeMap } from '@photonotes/shared/dynamodb';

/** What these helpers send; the shared document client satisfies it. */
export type CommandSender = Pick<DynamoDBDocumentClient, 'send'>;

export interface QueryAllInput {
  tableName: string;
  keyCondition: string;
  names?: Record<string, string>;
  values: AttributeMap;
  projection?: string;
  consistent?: boolean;
}

/** Every item the query matches, page after page. */
export async function* queryAll<T = AttributeMap>(client: CommandSender, input: QueryAllInput): AsyncGenerator<T> {
  let startKey: AttributeMap | undefined;
  do {
    const command: QueryCommandInput = {
      TableName: input.tableName,
      KeyConditionExpression: input.keyCondition,
      ExpressionAttributeValues: input.values,
      ExclusiveStartKey: startKey,
      ConsistentRead: input.consistent,
      ...(input.names ? { ExpressionAttributeNames: input.names } : {}),
      ...(input.projection ? { ProjectionExpression: input.projection } : {}),
    };
    const out = await client.send(new QueryCommand(command));
    yield* (out.Items ?? []) as T[];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

const batchGetLimit = 100;
const batchWriteLimit = 25;
const maxBatchRounds = 8;

const pause = (round: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** round));

/** The items with these keys (missing ones are absent from the result), unprocessed keys retried. */
export async function batchGet<T = AttributeMap>(client: CommandSender, tableName: string, keys: AttributeMap[]): Promise<T[]> {
  const found: T[] = [];
  for (let start = 0; start < keys.length; start += batchGetLimit) {
    let pending: AttributeMap[] = keys.slice(start, start + batchGetLimit);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= maxBatchRounds) throw new Error(`BatchGet on ${tableName} left ${pending.length} keys unprocessed`);
      if (round > 0) await pause(round);
      const out = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
      found.push(...((out.Responses?.[tableName] ?? []) as T[]));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as AttributeMap[];
    }
  }
  return found;
}

/** Deletes the items with these keys, unprocessed ones retried. Safe to repeat. */
export async function batchDelete(client: CommandSender, tableName: string, keys: AttributeMap[]): Promise<void> {
  for (let start = 0; start < keys.length; start += batchWriteLimit) {
    let pending = keys.slice(start, start + batchWriteLimit).map((key) => ({ DeleteRequest: { Key: key } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= maxBatchRounds) throw new Error(`BatchWrite on ${tableName} left ${pending.length} deletes unprocessed`);
      if (round > 0) await pause(round);
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}

/** A transaction cancelled for a reason other than a failed condition (a concurrent transaction on an item). */
export function isTransactionConflict(err: unknown): boolean {
  if (!(err instanceof Error) || err.name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'TransactionConflict');
}
