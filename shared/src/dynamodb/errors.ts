// DynamoDB's failures as typed errors the adapters can map to their domain's outcomes: a failed condition
// (with the stored item and, in a transaction, the tag of the item that failed), a conflict with another
// write (safe to try again), any other cancellation, and the toolkit's own limits.
import { unmarshall } from '@aws-sdk/util-dynamodb';

export interface CancellationReason {
  /** DynamoDB's code for this item: 'ConditionalCheckFailed', 'None', 'TransactionConflict', 'ThrottlingError'... */
  code: string;
  /** The stored item, when the request asked for it (ReturnValuesOnConditionCheckFailure: ALL_OLD). */
  item?: Record<string, unknown>;
  /** The tag the transaction builder gave this item, if any. */
  tag?: string;
}

/** A condition expression did not hold; `reasons` has one entry per item of the request, in order. */
export class ConditionFailedError extends Error {
  readonly reasons: CancellationReason[];

  constructor(reasons: CancellationReason[], options?: ErrorOptions) {
    super('Conditional check failed', options);
    this.name = 'ConditionFailedError';
    this.reasons = reasons;
  }

  /** The reasons of the items whose condition failed, in request order. */
  get failures(): CancellationReason[] {
    return this.reasons.filter((reason) => reason.code === 'ConditionalCheckFailed');
  }

  get failedIndexes(): number[] {
    return this.reasons.flatMap((reason, index) => (reason.code === 'ConditionalCheckFailed' ? [index] : []));
  }

  /** The current item of the first failed condition, if DynamoDB returned it. */
  get item(): Record<string, unknown> | undefined {
    return this.failures[0]?.item;
  }
}

/** Another write touched an item at the same time (a transaction conflict); nothing was written, trying again is safe. */
export class TransactionConflictError extends Error {
  readonly reasons: CancellationReason[];

  constructor(reasons: CancellationReason[], options?: ErrorOptions) {
    super('The write conflicted with a concurrent transaction', options);
    this.name = 'TransactionConflictError';
    this.reasons = reasons;
  }
}

/** A transaction cancelled for another reason (throttling, validation, an item collection at its size limit). */
export class TransactionCancelledError extends Error {
  readonly reasons: CancellationReason[];

  constructor(reasons: CancellationReason[], options?: ErrorOptions) {
    super(`Transaction cancelled: ${reasons.map((reason) => reason.code).join(', ')}`, options);
    this.name = 'TransactionCancelledError';
    this.reasons = reasons;
  }
}

/** More items or bytes than one TransactWriteItems call takes; nothing was sent. */
export class TransactionTooLargeError extends Error {
  constructor(
    readonly itemCount: number,
    readonly approximateBytes: number,
  ) {
    super(`A transaction of ${itemCount} items (about ${approximateBytes} bytes) is over DynamoDB's limits`);
    this.name = 'TransactionTooLargeError';
  }
}

/** A batch call still left items unprocessed after its last attempt; the processed ones stay processed. */
export class BatchIncompleteError extends Error {
  constructor(
    readonly operation: 'BatchGetItem' | 'BatchWriteItem',
    readonly unprocessed: number,
  ) {
    super(`${operation} left ${unprocessed} items unprocessed`);
    this.name = 'BatchIncompleteError';
  }
}

/** A query matched more items than the caller's cap; the items up to the cap were yielded. */
export class QueryLimitExceededError extends Error {
  constructor(readonly maxItems: number) {
    super(`The query matched more than ${maxItems} items`);
    this.name = 'QueryLimitExceededError';
  }
}

interface RawReason {
  Code?: string;
  Item?: Parameters<typeof unmarshall>[0];
}

function reason(raw: RawReason, tag: string | undefined): CancellationReason {
  // Errors bypass the document client's unmarshalling.
  return { code: raw.Code ?? 'None', ...(raw.Item ? { item: unmarshall(raw.Item) } : {}), ...(tag === undefined ? {} : { tag }) };
}

const conflictExceptions = new Set(['TransactionConflictException', 'TransactionInProgressException']);

/**
 * The typed error for a DynamoDB failure, or undefined to let it pass unchanged. `tags` name the items of a
 * transaction, in order.
 */
export function tableError(err: unknown, tags: Array<string | undefined> = []): Error | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'ConditionalCheckFailedException') {
    return new ConditionFailedError([reason({ Code: 'ConditionalCheckFailed', Item: (err as RawReason).Item }, tags[0])], { cause: err });
  }
  if (conflictExceptions.has(err.name)) return new TransactionConflictError([], { cause: err });
  if (err.name === 'TransactionCanceledException') {
    const raw = (err as { CancellationReasons?: RawReason[] }).CancellationReasons ?? [];
    const reasons = raw.map((r, index) => reason(r, tags[index]));
    // A failed condition is the caller's to explain, whatever else happened; a conflict is worth another try.
    if (reasons.some((r) => r.code === 'ConditionalCheckFailed')) return new ConditionFailedError(reasons, { cause: err });
    if (reasons.some((r) => r.code === 'TransactionConflict')) return new TransactionConflictError(reasons, { cause: err });
    return new TransactionCancelledError(reasons, { cause: err });
  }
  return undefined;
}
