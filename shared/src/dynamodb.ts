// DynamoDB access: one lazily created document client per process, and a small table toolkit over an
// injected client (fakes in unit tests) with signed cursors and condition failures domain code can map.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeCursor, encodeCursor } from './cursor';
import { optionalEnv } from './env';

export type AttributeMap = Record<string, NativeAttributeValue>;
export type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type DocumentCommand = GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand | TransactWriteCommand;

/** The part of DynamoDBDocumentClient the toolkit uses; a fake only needs `send`. */
export interface DocumentSender {
  send(command: DocumentCommand): Promise<unknown>;
}

let shared: DynamoDBDocumentClient | undefined;

/** Created on first use, so modules that import the toolkit for types or fakes pay nothing. */
export function documentClient(): DynamoDBDocumentClient {
  const endpoint = optionalEnv('DYNAMODB_ENDPOINT');
  return (shared ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: optionalEnv('AWS_REGION', 'us-east-1'), ...(endpoint ? { endpoint } : {}) }),
    { marshallOptions: { removeUndefinedValues: true } },
  ));
}

export interface ConditionFailureReason {
  /** DynamoDB's code for this item: 'ConditionalCheckFailed', 'None', 'TransactionConflict'... */
  code: string;
  /** The stored item, when the request asked for it (ReturnValuesOnConditionCheckFailure: ALL_OLD). */
  item?: Record<string, unknown>;
}

/** A condition expression did not hold; `reasons` has one entry per item of the request, in order. */
export class ConditionFailedError extends Error {
  readonly reasons: ConditionFailureReason[];

  constructor(reasons: ConditionFailureReason[], options?: ErrorOptions) {
    super('Conditional check failed', options);
    this.name = 'ConditionFailedError';
    this.reasons = reasons;
  }

  get failedIndexes(): number[] {
    return this.reasons.flatMap((reason, index) => (reason.code === 'ConditionalCheckFailed' ? [index] : []));
  }

  /** The current item of the first failed condition, if DynamoDB returned it. */
  get item(): Record<string, unknown> | undefined {
    return this.reasons.find((reason) => reason.code === 'ConditionalCheckFailed')?.item;
  }
}

interface RawReason {
  Code?: string;
  Item?: Parameters<typeof unmarshall>[0];
}

function reason(code: string, item: RawReason['Item']): ConditionFailureReason {
  // Errors bypass the document client's unmarshalling.
  return item ? { code, item: unmarshall(item) } : { code };
}

function asConditionFailure(err: unknown): ConditionFailedError | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'ConditionalCheckFailedException') {
    return new ConditionFailedError([reason('ConditionalCheckFailed', (err as RawReason).Item)], { cause: err });
  }
  if (err.name === 'TransactionCanceledException') {
    const raw = (err as { CancellationReasons?: RawReason[] }).CancellationReasons ?? [];
    // Only condition failures are the caller's to map; conflicts and throttling stay infrastructure errors.
    if (!raw.some((r) => r.Code === 'ConditionalCheckFailed')) return undefined;
    return new ConditionFailedError(raw.map((r) => reason(r.Code ?? 'None', r.Item)), { cause: err });
  }
  return undefined;
}

async function send<T>(client: DocumentSender, command: DocumentCommand): Promise<T> {
  try {
    return (await client.send(command)) as T;
  } catch (err) {
    throw asConditionFailure(err) ?? err;
  }
}

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

export interface QueryPageInput {
  index?: string;
  keyCondition: string;
  filter?: string;
  names?: Record<string, string>;
  values?: AttributeMap;
  limit: number;
  cursor?: string | undefined;
  /** Binds cursors to one list of one caller (e.g. `notes:own:<userId>`), so they cannot be replayed elsewhere. */
  cursorScope: string;
  /** false for newest first. */
  scanForward?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
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
}

export function tableClient({ tableName, client = documentClient() }: TableClientOptions) {
  return {
    tableName,

    async getItem<T>(key: AttributeMap, options: { consistentRead?: boolean } = {}): Promise<T | undefined> {
      const out = await send<{ Item?: T }>(client, new GetCommand({ TableName: tableName, Key: key, ConsistentRead: options.consistentRead }));
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
      const out = await send<{ Attributes?: T }>(
        client,
        new DeleteCommand({ TableName: tableName, Key: key, ReturnValues: 'ALL_OLD', ...expressions(options) }),
      );
      return out.Attributes;
    },

    async queryPage<T>(input: QueryPageInput): Promise<Page<T>> {
      const out = await send<{ Items?: T[]; LastEvaluatedKey?: AttributeMap }>(
        client,
        new QueryCommand({
          TableName: tableName,
          IndexName: input.index,
          KeyConditionExpression: input.keyCondition,
          FilterExpression: input.filter,
          ExpressionAttributeNames: input.names,
          ExpressionAttributeValues: input.values,
          Limit: input.limit,
          ScanIndexForward: input.scanForward,
          ExclusiveStartKey: input.cursor ? decodeCursor(input.cursor, input.cursorScope) : undefined,
        }),
      );
      return {
        items: out.Items ?? [],
        nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey, input.cursorScope) : null,
      };
    },

    /** Items name their own TableName, so one transaction can span tables. */
    async transactWrite(items: TransactWriteItem[]): Promise<void> {
      await send(client, new TransactWriteCommand({ TransactItems: items }));
    },
  };
}

export type TableClient = ReturnType<typeof tableClient>;
