// The consumer factory for DynamoDB Streams: each record is unmarshalled, read with the stream's contract
// (shared/src/contracts) and handed over typed; the answer is a partial batch response (ReportBatchItemFailures).
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ParseResult } from '../contracts/contract';
import { invalid } from '../contracts/contract';
import { parseStreamChange } from '../contracts/stream';
import type { StreamChange, StreamContract } from '../contracts/stream';
import { consumerInvocation, consumerRunner } from './outcome';
import type { ConsumerContext, ConsumerOptions, Outcome } from './outcome';

export { applied, ignored } from './outcome';
export type { ConsumerContext, Outcome } from './outcome';

/** A covered record, typed by its contract, with its place in the stream. */
export interface StreamRecord<Image> extends StreamChange<Image> {
  eventId: string;
  sequenceNumber: string;
  /** When the change was written (ISO-8601), from the record. */
  approximateCreatedAt: string | undefined;
}

export interface StreamConsumerOptions<Image, D> extends ConsumerOptions<StreamContract<Image>, D> {
  /**
   * Records handled at the same time; default 1, strictly in order. Above 1 only for consumers whose records
   * are independent of each other and idempotent: the earliest failed record is reported, so Lambda delivers
   * it and every record after it again, including those that succeeded.
   */
  concurrency?: number;
  /**
   * With concurrency above 1, records of one item (the same stream Keys) are still handled one after another in
   * stream order, and a failed record holds back its item's later records (reported with it): what Lambda's
   * ParallelizationFactor guarantees per partition key. For consumers whose records of one item must stay in
   * order while different items are independent.
   */
  inOrderPerItem?: boolean;
  /** The correlation id a record carries (images store the one of the request that wrote them). */
  correlationOf?: (record: StreamRecord<Image>) => string | undefined;
}

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

function fromImage(image: Image | undefined): Record<string, unknown> | undefined {
  // aws-lambda and the SDK type the same wire format separately.
  return image ? unmarshall(image as Parameters<typeof unmarshall>[0]) : undefined;
}

function parseRecord<I>(contract: StreamContract<I>, record: DynamoDBRecord): ParseResult<StreamRecord<I>> {
  const stream = record.dynamodb;
  if (!record.eventName || !stream?.SequenceNumber) return invalid(['(root): a stream record without eventName or SequenceNumber']);
  const change = parseStreamChange(contract, {
    eventName: record.eventName,
    newImage: fromImage(stream.NewImage),
    oldImage: fromImage(stream.OldImage),
    keys: fromImage(stream.Keys),
  });
  if (change.kind !== 'parsed') return change;
  return {
    kind: 'parsed',
    value: { ...change.value, eventId: record.eventID ?? '', sequenceNumber: stream.SequenceNumber, approximateCreatedAt: isoTime(stream.ApproximateCreationDateTime) },
  };
}

/** AWS sends epoch seconds; the local streams plugin hands over the SDK's Date. */
function isoTime(value: unknown): string | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  // Within years 2000..2999, so a unit mix-up yields nothing rather than a date nobody can read.
  return ms >= 946_684_800_000 && ms < 32_503_680_000_000 ? new Date(ms).toISOString() : undefined;
}

/**
 * In order (the default), stops at the first failed record and reports it: Lambda retries from it, so no later
 * record is applied before it. A record the contract covers but cannot read fails like any other (logged with its
 * ids); records of other items of the table are ignored.
 */
export function streamConsumer<I, D>(
  options: StreamConsumerOptions<I, D>,
  handle: (record: StreamRecord<I>, ctx: ConsumerContext<D>) => Promise<Outcome>,
): (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> {
  const runner = consumerRunner(options);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const runOne = (record: DynamoDBRecord, context: Context) =>
    runner.run(
      {
        ids: { eventId: record.eventID, sequenceNumber: record.dynamodb?.SequenceNumber ?? '', eventName: record.eventName },
        parse: () => parseRecord(options.contract, record),
        ...(options.correlationOf ? { correlationOf: options.correlationOf } : {}),
        handle,
      },
      context,
    );
  // An empty identifier (no sequence number) makes Lambda retry the whole batch, which is still safe.
  const failure = (record: DynamoDBRecord | undefined): DynamoDBBatchResponse => ({
    batchItemFailures: record ? [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] : [],
  });

  if (concurrency === 1) {
    return (event, context) => consumerInvocation(async () => {
      runner.invocation(context);
      for (const record of event.Records) {
        if ((await runOne(record, context)).status === 'failed') return failure(record);
      }
      return failure(undefined);
    });
  }
  return (event, context) => consumerInvocation(async () => {
    runner.invocation(context);
    const records = event.Records;
    // Lanes of record indexes: one per item when its order matters, else one per record.
    const lanes = options.inOrderPerItem ? [...groupBy(records.keys(), (index) => itemKey(records[index] as DynamoDBRecord)).values()] : [...records.keys()].map((index) => [index]);
    let earliestFailure = records.length;
    let next = 0;
    const worker = async () => {
      while (next < lanes.length) {
        for (const index of lanes[next++] as number[]) {
          if ((await runOne(records[index] as DynamoDBRecord, context)).status !== 'failed') continue;
          earliestFailure = Math.min(earliestFailure, index);
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
    return failure(records[earliestFailure]);
  });
}

/** The item a record is about; a record without Keys is an item of its own. */
function itemKey(record: DynamoDBRecord): string {
  const keys = record.dynamodb?.Keys;
  return keys ? JSON.stringify(Object.entries(keys).sort(([a], [b]) => (a < b ? -1 : 1))) : `event:${record.eventID ?? ''}:${record.dynamodb?.SequenceNumber ?? ''}`;
}

function groupBy<T>(values: Iterable<T>, keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}
