// Factories for event-driven Lambdas (DynamoDB Streams, SNS, S3): typed records, one logger line per
// failure, and the failure contract each trigger needs for retries.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, S3Event, SNSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { createLogger } from './log';
import type { Logger } from './log';

export interface EventContext {
  log: Logger;
  context: Context;
}

export interface EventHandlerOptions {
  service: string;
  logger?: Logger;
}

export interface StreamChange<T> {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: Record<string, unknown>;
  newImage: T | undefined;
  oldImage: T | undefined;
  sequenceNumber: string;
}

type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

function fromImage(image: StreamImage | undefined): Record<string, unknown> | undefined {
  // aws-lambda and the SDK type the same wire format separately.
  return image ? unmarshall(image as Parameters<typeof unmarshall>[0]) : undefined;
}

function toChange<T>(record: DynamoDBRecord): StreamChange<T> {
  const stream = record.dynamodb;
  if (!record.eventName || !stream?.SequenceNumber) throw new Error('Stream record without eventName or SequenceNumber');
  return {
    eventName: record.eventName,
    keys: fromImage(stream.Keys) ?? {},
    newImage: fromImage(stream.NewImage) as T | undefined,
    oldImage: fromImage(stream.OldImage) as T | undefined,
    sequenceNumber: stream.SequenceNumber,
  };
}

export interface StreamHandlerOptions extends EventHandlerOptions {
  /**
   * Records handled at the same time; default 1, strictly in order. Above 1 only for consumers whose records
   * are independent of each other and idempotent: the earliest failed record is reported, so Lambda delivers
   * it and every record after it again, including those that succeeded.
   */
  concurrency?: number;
}

/**
 * Processes stream records in order and stops at the first failure, reporting it as the batch item failure:
 * Lambda then retries from that record, so later records are never applied before it.
 */
export function streamHandler<T = Record<string, unknown>>(
  options: StreamHandlerOptions,
  fn: (change: StreamChange<T>, ctx: EventContext) => Promise<void>,
): (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> {
  const baseLog = options.logger ?? createLogger({ service: options.service });
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  if (concurrency > 1) return concurrentStreamHandler(baseLog, concurrency, fn);
  return async (event, context) => {
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      const log = baseLog.child({ eventId: record.eventID, sequenceNumber });
      try {
        await fn(toChange<T>(record), { log, context });
      } catch (err) {
        log.error('Stream record failed; the batch resumes from it', { eventName: record.eventName, err });
        // An empty identifier (no sequence number) makes Lambda retry the whole batch, which is still safe.
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
}

function concurrentStreamHandler<T>(
  baseLog: Logger,
  concurrency: number,
  fn: (change: StreamChange<T>, ctx: EventContext) => Promise<void>,
): (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> {
  return async (event, context) => {
    const records = event.Records;
    let earliestFailure = records.length;
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const index = next++;
        const record = records[index] as DynamoDBRecord;
        const log = baseLog.child({ eventId: record.eventID, sequenceNumber: record.dynamodb?.SequenceNumber ?? '' });
        try {
          await fn(toChange<T>(record), { log, context });
        } catch (err) {
          log.error('Stream record failed; the batch resumes from the earliest failure', { eventName: record.eventName, err });
          earliestFailure = Math.min(earliestFailure, index);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
    const failed = records[earliestFailure];
    return { batchItemFailures: failed ? [{ itemIdentifier: failed.dynamodb?.SequenceNumber ?? '' }] : [] };
  };
}

function rethrowAll(failures: unknown[], total: number): void {
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} of ${total} records failed`);
}

/**
 * Validates each SNS message against the event envelope schema. Invalid messages are logged and dropped (a retry
 * cannot fix them); handler errors are rethrown once every record was tried, so Lambda's async retry applies.
 */
export function snsHandler<S extends z.ZodMiniType>(
  options: EventHandlerOptions & { schema: S },
  fn: (message: z.output<S>, ctx: EventContext) => Promise<void>,
): (event: SNSEvent, context: Context) => Promise<void> {
  const baseLog = options.logger ?? createLogger({ service: options.service });
  return async (event, context) => {
    const failures: unknown[] = [];
    for (const record of event.Records) {
      let log = baseLog.child({ messageId: record.Sns.MessageId });
      let json: unknown;
      try {
        json = JSON.parse(record.Sns.Message);
      } catch {
        log.warn('Dropping SNS message that is not JSON');
        continue;
      }
      const parsed = z.safeParse(options.schema, json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code, message: i.message }));
        log.warn('Dropping SNS message that does not match the event schema', { issues });
        continue;
      }
      const envelope = parsed.data as { id?: unknown; type?: unknown };
      log = log.child({ eventId: envelope.id, eventType: envelope.type });
      try {
        await fn(parsed.data, { log, context });
      } catch (err) {
        log.error('SNS message failed', { err });
        failures.push(err);
      }
    }
    rethrowAll(failures, event.Records.length);
  };
}

export interface S3ObjectRecord {
  eventName: string;
  bucket: string;
  /** Decoded: S3 URL-encodes keys in notifications, with '+' for spaces. */
  key: string;
  size: number;
  eTag: string | undefined;
}

/** Handles every S3 record, then rethrows any failure so Lambda's async retry applies. */
export function s3Handler(
  options: EventHandlerOptions,
  fn: (record: S3ObjectRecord, ctx: EventContext) => Promise<void>,
): (event: S3Event, context: Context) => Promise<void> {
  const baseLog = options.logger ?? createLogger({ service: options.service });
  return async (event, context) => {
    const failures: unknown[] = [];
    for (const record of event.Records) {
      const rawKey = record.s3.object.key;
      const log = baseLog.child({ bucket: record.s3.bucket.name, rawKey });
      try {
        const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
        await fn(
          { eventName: record.eventName, bucket: record.s3.bucket.name, key, size: record.s3.object.size, eTag: record.s3.object.eTag },
          { log, context },
        );
      } catch (err) {
        log.error('S3 record failed', { err });
        failures.push(err);
      }
    }
    rethrowAll(failures, event.Records.length);
  };
}
