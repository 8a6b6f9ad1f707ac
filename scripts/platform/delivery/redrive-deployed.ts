// Lists and replays a deployed stage's failure queues (one per asynchronous consumer, declared in its
// serverless.yml). Three kinds of message arrive there, and each is replayed to the consumer's function:
// - Lambda's asynchronous-invocation record (SNS, S3 or IoT topic rule events that failed every retry): its
//   requestPayload;
// - a stream consumer's on-failure record (shard and sequence range only): the records are read again from
//   the stream, which keeps them 24 h, filtered as the event source mapping filters them;
// - an SNS message the subscription could not deliver (its redrive policy): the SNS event built from it;
// - a message of a queue a function reads, moved by the queue's redrive policy: the SQS event built from it.
// A message is deleted only after its replay succeeded; a failed one becomes visible again at the end.
import { createHash } from 'node:crypto';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { lambdaName, type AsyncConsumer, type StreamConsumer } from './consumers';
import { passesFilters } from './event-filter';
import type { FailureDetail } from './dead-letters';
import type { Invoke } from './lambda-invoke';
import { replaySucceeded } from './redrive-local';
import type { LambdaStreamRecord } from './stream-batch';
import type { StreamReader } from './stream-poller';
import { isSnsNotification, snsLambdaEvent } from './sns-delivery';

export interface StreamBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  streamArn: string;
  batchSize?: number;
}

export type FailureMessage =
  | { kind: 'invocation-record'; payload: unknown; condition: string; error: string }
  | { kind: 'stream-batch'; batch: StreamBatchInfo; condition: string }
  | { kind: 'sns-message'; notification: ReturnType<typeof snsMessage> }
  | { kind: 'queue-message'; event: SQSEvent }
  | { kind: 'unknown'; body: string };

function snsMessage(value: unknown) {
  return isSnsNotification(value) ? value : null;
}

/** What a message in a failure queue is, from its body. */
export function classifyFailureMessage(body: string): FailureMessage {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { kind: 'unknown', body };
  }
  const context = (parsed.requestContext ?? {}) as { condition?: string };
  const batch = parsed.DDBStreamBatchInfo as StreamBatchInfo | undefined;
  if (batch?.shardId && batch.startSequenceNumber && batch.endSequenceNumber && batch.streamArn) {
    return { kind: 'stream-batch', batch, condition: context.condition ?? '' };
  }
  if ('requestPayload' in parsed && parsed.requestContext) {
    const response = (parsed.responsePayload ?? {}) as { errorMessage?: string };
    return { kind: 'invocation-record', payload: parsed.requestPayload, condition: context.condition ?? '', error: response.errorMessage ?? '' };
  }
  const notification = snsMessage(parsed);
  if (notification) return { kind: 'sns-message', notification };
  return { kind: 'unknown', body };
}

export function describeFailureMessage(message: FailureMessage): string {
  switch (message.kind) {
    case 'invocation-record':
      return `invocation record (${message.condition || 'failed'}${message.error ? `: ${message.error}` : ''})`;
    case 'stream-batch':
      return `stream records ${message.batch.startSequenceNumber}..${message.batch.endSequenceNumber} of shard ${message.batch.shardId} (${message.condition || 'failed'})`;
    case 'sns-message':
      return `SNS message ${message.notification?.MessageId ?? ''} on ${message.notification?.TopicArn ?? ''}`;
    case 'queue-message':
      return `queue message ${message.event.Records[0]?.messageId ?? ''}`;
    default:
      return 'unrecognised message';
  }
}

/**
 * The event Lambda would have received for a message of the queue a function reads: the dead-letter queue keeps the
 * message itself. Its source is named as the dead-letter queue it is replayed from (region and account from its URL).
 */
export function queueMessageEvent(message: Message, queueUrl: string): SQSEvent {
  const [, region = '', account = '', name = ''] = /^https?:\/\/sqs\.([^.]+)\.[^/]+\/(\d+)\/([^/]+)$/.exec(queueUrl) ?? [];
  const body = message.Body ?? '';
  return {
    Records: [
      {
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body,
        attributes: {
          ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: message.Attributes?.SentTimestamp ?? '',
          SenderId: message.Attributes?.SenderId ?? '',
          ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? '',
        },
        messageAttributes: {},
        md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${region}:${account}:${name}`,
        awsRegion: region,
      },
    ],
  };
}

const beyond = (sequenceNumber: string, end: string) => BigInt(sequenceNumber) > BigInt(end);

/** The stream records of an on-failure record, read again (AT the first sequence number, up to the last). */
export async function rereadStreamBatch(reader: StreamReader, batch: StreamBatchInfo, filterPatterns: unknown[]): Promise<LambdaStreamRecord[]> {
  let iterator = await reader.iterator(batch.streamArn, batch.shardId, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: batch.startSequenceNumber });
  const records: LambdaStreamRecord[] = [];
  for (let reads = 0; iterator && reads < 100; reads++) {
    const page = await reader.records(iterator, 1000);
    for (const record of page.records) {
      if (beyond(record.dynamodb.SequenceNumber, batch.endSequenceNumber)) return records;
      const withSource = { ...record, eventSourceARN: batch.streamArn };
      if (passesFilters(filterPatterns, withSource)) records.push(withSource);
    }
    if (page.records.length === 0 && records.length > 0) break;
    iterator = page.nextIterator;
  }
  return records;
}

export interface QueueReport {
  consumer: string;
  queue: string;
  messages: Array<{ messageId: string; sentAt: string | undefined; receiveCount: string | undefined; description: string; outcome?: 'redriven' | 'failed'; reason?: string }>;
  missing?: boolean;
}

export interface DeployedRedriveOptions {
  stage: string;
  consumers: AsyncConsumer[];
  sqs: Pick<SQSClient, 'send'>;
  invoke: Invoke;
  streams: StreamReader;
  /** List only: nothing is invoked or deleted. */
  list: boolean;
  /** SQS message ids to replay; all when empty. */
  ids?: string[];
  /** How long a received message stays hidden while it is replayed (longer than the slowest function). */
  visibilityTimeoutSeconds?: number;
}

export function queueName(consumer: AsyncConsumer, stage: string): string | null {
  return consumer.failureQueue ? consumer.failureQueue.nameTemplate.replaceAll('${self:service}', consumer.serviceName).replaceAll('${sls:stage}', stage) : null;
}

async function replay(message: FailureMessage, consumer: AsyncConsumer, options: DeployedRedriveOptions): Promise<{ ok: true } | { ok: false; error: FailureDetail }> {
  const functionName = lambdaName(consumer, options.stage);
  switch (message.kind) {
    case 'invocation-record':
      return replaySucceeded(await options.invoke(functionName, message.payload), message.payload, false);
    case 'queue-message':
      return replaySucceeded(await options.invoke(functionName, message.event), message.event, consumer.source === 'sqs' && consumer.reportBatchItemFailures);
    case 'sns-message': {
      const event = snsLambdaEvent(message.notification as NonNullable<typeof message.notification>, `${message.notification?.TopicArn ?? ''}:redrive`);
      return replaySucceeded(await options.invoke(functionName, event), event, false);
    }
    case 'stream-batch': {
      if (consumer.source !== 'stream') return { ok: false, error: { type: 'WrongQueue', message: 'a stream record in the queue of a consumer that reads no stream' } };
      let records: LambdaStreamRecord[];
      try {
        records = await rereadStreamBatch(options.streams, message.batch, (consumer as StreamConsumer).filterPatterns);
      } catch (err) {
        const name = (err as { name?: string }).name ?? 'Error';
        const hint = name === 'TrimmedDataAccessException' ? ' (older than the stream keeps records: 24 h)' : '';
        return { ok: false, error: { type: name, message: `cannot read the records again${hint}: ${(err as Error).message}` } };
      }
      // Every record of the range was filtered out: nothing for the function to do.
      if (records.length === 0) return { ok: true };
      const event = { Records: records };
      return replaySucceeded(await options.invoke(functionName, event), event, consumer.reportBatchItemFailures);
    }
    default:
      return { ok: false, error: { type: 'UnknownMessage', message: 'not a failure record this tool knows how to replay' } };
  }
}

export async function redriveDeployed(options: DeployedRedriveOptions): Promise<QueueReport[]> {
  const reports: QueueReport[] = [];
  for (const consumer of options.consumers) {
    const name = queueName(consumer, options.stage);
    if (!name) continue;
    const report: QueueReport = { consumer: consumer.id, queue: name, messages: [] };
    reports.push(report);
    let queueUrl: string | undefined;
    try {
      queueUrl = (await options.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch (err) {
      if ((err as { name?: string }).name !== 'QueueDoesNotExist' && (err as { name?: string }).name !== 'AWS.SimpleQueueService.NonExistentQueue') throw err;
    }
    if (!queueUrl) {
      report.missing = true;
      continue;
    }
    const seen = new Set<string>();
    const release: Message[] = [];
    // Each received message stays hidden until it is deleted (replayed) or released at the end, so one run
    // sees every message once; the queue has no other reader.
    const visibility = options.list ? 60 : (options.visibilityTimeoutSeconds ?? 900);
    for (let round = 0; round < 100; round++) {
      const out = await options.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: visibility, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'] }));
      const fresh = (out.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const sqsMessage of fresh) {
        const messageId = sqsMessage.MessageId as string;
        seen.add(messageId);
        // A queue's dead-letter queue keeps the messages themselves; Lambda's failure destinations keep records.
        const message: FailureMessage = consumer.source === 'sqs' ? { kind: 'queue-message', event: queueMessageEvent(sqsMessage, queueUrl) } : classifyFailureMessage(sqsMessage.Body ?? '');
        const sentAt = sqsMessage.Attributes?.SentTimestamp ? new Date(Number(sqsMessage.Attributes.SentTimestamp)).toISOString() : undefined;
        const entry: QueueReport['messages'][number] = { messageId, sentAt, receiveCount: sqsMessage.Attributes?.ApproximateReceiveCount, description: describeFailureMessage(message) };
        report.messages.push(entry);
        const selected = !options.ids || options.ids.length === 0 || options.ids.includes(messageId);
        if (options.list || !selected) {
          release.push(sqsMessage);
          continue;
        }
        const verdict = await replay(message, consumer, options);
        if (verdict.ok) {
          await options.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: sqsMessage.ReceiptHandle }));
          entry.outcome = 'redriven';
        } else {
          entry.outcome = 'failed';
          entry.reason = verdict.error.message;
          release.push(sqsMessage);
        }
      }
    }
    for (const sqsMessage of release) {
      await options.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: sqsMessage.ReceiptHandle, VisibilityTimeout: 0 }));
    }
  }
  return reports;
}
