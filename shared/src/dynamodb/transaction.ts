// A TransactWriteItems builder. Each item may carry a tag (what it is to the caller: 'note', 'head'...), so a
// failed condition says which part of the write failed without the caller counting indexes; every condition
// asks for the stored item, so the caller can answer 409/412 without a second read. The size limits are
// checked before anything is sent.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { send } from './client';
import type { AttributeMap, DocumentSender } from './client';
import { TransactionTooLargeError } from './errors';

/** DynamoDB's limits for one TransactWriteItems call. */
export const maxTransactionItems = 100;
export const maxTransactionBytes = 4 * 1024 * 1024;

type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface TransactionItemOptions<Tag extends string> {
  tag?: Tag;
  /** Another table of the same account for this item (a write that spans two tables); the transaction's own by default. */
  table?: string;
  condition?: string;
  /** Names and values of the item's expressions (update and condition share them). */
  names?: Record<string, string>;
  values?: AttributeMap;
}

export interface Transaction<Tag extends string = string> {
  put(item: object, options?: TransactionItemOptions<Tag>): Transaction<Tag>;
  /** `update` is an UpdateExpression, e.g. 'SET lastSeq = :seq ADD noteIds :ids'. */
  update(key: AttributeMap, update: string, options?: TransactionItemOptions<Tag>): Transaction<Tag>;
  delete(key: AttributeMap, options?: TransactionItemOptions<Tag>): Transaction<Tag>;
  /** Holds the transaction to `condition` on an item it does not write. */
  check(key: AttributeMap, condition: string, options?: Omit<TransactionItemOptions<Tag>, 'condition'>): Transaction<Tag>;
  readonly size: number;
  /**
   * Writes every item or none. Throws TransactionTooLargeError before sending, ConditionFailedError (its
   * reasons carry the tags), TransactionConflictError or TransactionCancelledError.
   */
  commit(): Promise<void>;
}

function expressionFields(options: TransactionItemOptions<string>) {
  return {
    ...(options.condition ? { ConditionExpression: options.condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
    ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
    ...(options.values ? { ExpressionAttributeValues: options.values } : {}),
  };
}

/** JSON is a little larger than DynamoDB's own measure, so this errs on the safe side. */
function approximateBytes(items: TransactWriteItem[]): number {
  return items.reduce((sum, item) => sum + Buffer.byteLength(JSON.stringify(item, (_key, value: unknown) => (value instanceof Set ? [...value] : value))), 0);
}

export function transaction<Tag extends string = string>(client: DocumentSender, tableName: string): Transaction<Tag> {
  const items: TransactWriteItem[] = [];
  const tags: Array<Tag | undefined> = [];
  const add = (item: TransactWriteItem, tag: Tag | undefined) => {
    items.push(item);
    tags.push(tag);
    return tx;
  };

  const tx: Transaction<Tag> = {
    put: (item, options = {}) => add({ Put: { TableName: options.table ?? tableName, Item: item as AttributeMap, ...expressionFields(options) } }, options.tag),
    update: (key, update, options = {}) => add({ Update: { TableName: options.table ?? tableName, Key: key, UpdateExpression: update, ...expressionFields(options) } }, options.tag),
    delete: (key, options = {}) => add({ Delete: { TableName: options.table ?? tableName, Key: key, ...expressionFields(options) } }, options.tag),
    check: (key, condition, options = {}) => add({ ConditionCheck: { TableName: options.table ?? tableName, Key: key, ConditionExpression: condition, ...expressionFields({ ...options, condition }) } }, options.tag),
    get size() {
      return items.length;
    },
    async commit() {
      if (items.length === 0) return;
      const bytes = approximateBytes(items);
      if (items.length > maxTransactionItems || bytes > maxTransactionBytes) throw new TransactionTooLargeError(items.length, bytes);
      await send(client, new TransactWriteCommand({ TransactItems: items }), tags);
    },
  };
  return tx;
}
