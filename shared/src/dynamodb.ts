// DynamoDB access for every service (@photonotes/shared/dynamodb): one document client per process and the
// table toolkit. The parts live in ./dynamodb/: client, typed errors, queries, batches, transactions.
export { documentClient } from './dynamodb/client';
export type { AttributeMap, DocumentCommand, DocumentSender } from './dynamodb/client';
export {
  BatchIncompleteError,
  ConditionFailedError,
  QueryLimitExceededError,
  TransactionCancelledError,
  TransactionConflictError,
  TransactionTooLargeError,
} from './dynamodb/errors';
export type { CancellationReason } from './dynamodb/errors';
export type { Page, QueryAllInput, QueryInput, QueryPageInput, QueryResult } from './dynamodb/query';
export { batchGetSize, batchWriteSize } from './dynamodb/batch';
export type { BatchGetOptions, BatchOptions, BatchWriteInput, DeleteAllOptions } from './dynamodb/batch';
export { maxTransactionBytes, maxTransactionItems } from './dynamodb/transaction';
export type { Transaction, TransactionItemOptions } from './dynamodb/transaction';
export { tableClient } from './dynamodb/table';
export type { ExpressionOptions, GetOptions, TableClient, TableClientOptions, UpdateInput } from './dynamodb/table';
