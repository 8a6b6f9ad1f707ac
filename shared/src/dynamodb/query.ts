// Queries, in the three shapes the services need: one page behind a signed cursor (API lists), one request
// with a limit (callers that page by their own key, or want the best N), and every item of a key range,
// page by page, up to a cap. No Scan exists here.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../cursor';
import { send } from './client';
import type { AttributeMap, DocumentSender } from './client';
import { QueryLimitExceededError } from './errors';

export interface QueryInput {
  index?: string;
  keyCondition: string;
  filter?: string;
  names?: Record<string, string>;
  values?: AttributeMap;
  /** The attributes to return (ProjectionExpression); everything when left out. */
  projection?: string;
  /** Strongly consistent (tables and local indexes only). */
  consistentRead?: boolean;
  /** false for descending sort keys (newest first). */
  scanForward?: boolean;
}

export interface QueryPageInput extends QueryInput {
  limit: number;
  cursor?: string | undefined;
  /** Binds cursors to one list of one caller (e.g. `notes:own:<userId>`), so they cannot be replayed elsewhere. */
  cursorScope: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface QueryResult<T> {
  items: T[];
  /** DynamoDB stopped at the limit (or at 1 MB) with more items in the range. */
  hasMore: boolean;
}

export interface QueryAllInput extends QueryInput {
  /**
   * The most items the caller is prepared to handle: one more throws QueryLimitExceededError once the first
   * `maxItems` were yielded, so a partition that grew past every expectation fails loudly instead of running on.
   */
  maxItems: number;
  /** Items per request (DynamoDB's Limit); pages otherwise end at 1 MB. */
  pageSize?: number;
}

function command(tableName: string, input: QueryInput, limit: number | undefined, startKey: AttributeMap | undefined): QueryCommand {
  return new QueryCommand({
    TableName: tableName,
    IndexName: input.index,
    KeyConditionExpression: input.keyCondition,
    FilterExpression: input.filter,
    ProjectionExpression: input.projection,
    ExpressionAttributeNames: input.names,
    ExpressionAttributeValues: input.values,
    ConsistentRead: input.consistentRead,
    ScanIndexForward: input.scanForward,
    Limit: limit,
    ExclusiveStartKey: startKey,
  });
}

interface QueryOutput<T> {
  Items?: T[];
  LastEvaluatedKey?: AttributeMap;
}

export function queries(client: DocumentSender, tableName: string) {
  return {
    /** One page of a list the API returns; the cursor is signed for `cursorScope` (a tampered one is a 400). */
    async queryPage<T>(input: QueryPageInput): Promise<Page<T>> {
      const startKey = input.cursor ? decodeCursor(input.cursor, input.cursorScope) : undefined;
      const out = await send<QueryOutput<T>>(client, command(tableName, input, input.limit, startKey));
      return {
        items: out.Items ?? [],
        nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey, input.cursorScope) : null,
      };
    },

    /** One Query request of at most `limit` items. */
    async query<T>(input: QueryInput & { limit: number }): Promise<QueryResult<T>> {
      const out = await send<QueryOutput<T>>(client, command(tableName, input, input.limit, undefined));
      return { items: out.Items ?? [], hasMore: out.LastEvaluatedKey !== undefined };
    },

    /** Every item of the key range, page by page, at most `maxItems` of them. */
    async *queryAll<T>(input: QueryAllInput): AsyncGenerator<T> {
      let yielded = 0;
      let startKey: AttributeMap | undefined;
      do {
        const out = await send<QueryOutput<T>>(client, command(tableName, input, input.pageSize, startKey));
        for (const item of out.Items ?? []) {
          if (yielded >= input.maxItems) throw new QueryLimitExceededError(input.maxItems);
          yielded++;
          yield item;
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
    },
  };
}
