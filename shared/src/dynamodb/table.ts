// The table toolkit every adapter uses: single-item reads and conditional writes, queries, batches and
// transactions, over an injected client (fakes in unit tests). Adapters send no DynamoDB command themselves.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batches } from './batch';
import type { BatchOptions } from './batch';
import { documentClient, send } from './client';
import type { AttributeMap, DocumentSender } from './client';
import { queries } from './query';
import { transaction } from './transaction';
import type { Transaction } from './transaction';

export interface ExpressionOptions {
  condition?: string;
  names?: Record<string, string>;
  values?: AttributeMap;
}

export interface UpdateInput extends ExpressionOptions {
  key: AttributeMap;
  /** e.g. 'SET #title = :title, version = version + :one' */
  update: string;
}

export interface GetOptions {
  consistentRead?: boolean;
  /** The attributes to return; `names` for reserved words in it. */
  projection?: string;
  names?: Record<string, string>;
}

function expressions(options: ExpressionOptions) {
  return {
    ConditionExpression: options.condition,
    ExpressionAttributeNames: options.names,
    ExpressionAttributeValues: options.values,
    // Lets callers answer 409/412 with the current item without a second read.
    ReturnValuesOnConditionCheckFailure: options.condition ? ('ALL_OLD' as const) : undefined,
  };
}

export interface TableClientOptions {
  tableName: string;
  /** Defaults to the shared document client. */
  client?: DocumentSender;
  /** Attempts and backoff of batch leftovers (tests shorten them). */
  batch?: BatchOptions;
}

export function tableClient({ tableName, client = documentClient(), batch }: TableClientOptions) {
  return {
    tableName,

    async getItem<T>(key: AttributeMap, options: GetOptions = {}): Promise<T | undefined> {
      const out = await send<{ Item?: T }>(
        client,
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: options.consistentRead, ProjectionExpression: options.projection, ExpressionAttributeNames: options.names }),
      );
      return out.Item;
    },

    async putItem(item: object, options: ExpressionOptions = {}): Promise<void> {
      await send(client, new PutCommand({ TableName: tableName, Item: item as AttributeMap, ...expressions(options) }));
    },

    /** Returns the item as stored after the update. */
    async updateItem<T>(input: UpdateInput): Promise<T> {
      const out = await send<{ Attributes?: T }>(
        client,
        new UpdateCommand({ TableName: tableName, Key: input.key, UpdateExpression: input.update, ReturnValues: 'ALL_NEW', ...expressions(input) }),
      );
      return out.Attributes as T;
    },

    /** Returns the deleted item, or undefined when there was none. */
    async deleteItem<T>(key: AttributeMap, options: ExpressionOptions = {}): Promise<T | undefined> {
      const out = await send<{ Attributes?: T }>(client, new DeleteCommand({ TableName: tableName, Key: key, ReturnValues: 'ALL_OLD', ...expressions(options) }));
      return out.Attributes;
    },

    ...queries(client, tableName),
    ...batches(client, tableName, batch),

    /** A new transaction on this table; `Tag` names what its items are to the caller. */
    transaction<Tag extends string = string>(): Transaction<Tag> {
      return transaction<Tag>(client, tableName);
    },
  };
}

export type TableClient = ReturnType<typeof tableClient>;
