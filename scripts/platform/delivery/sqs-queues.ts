// SQS, locally: the queues the services declare, an endpoint that speaks SQS's JSON protocol for what the functions
// send (SendMessage, GetQueueUrl), and the event source mappings that read them. A message stays invisible for its
// delay (the message's DelaySeconds, else the queue's), then reaches the queue's function in batches as AWS builds
// them; a failed message (a function error, or reported in batchItemFailures) becomes visible again, and after the
// queue's maxReceiveCount goes to the local dead-letter store, as SQS moves it to the dead-letter queue. Messages
// are kept in the platform's data directory, so a delay survives a restart of `npm run dev`.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { localAccountId, localRegion } from '../emulators';
import type { DeclaredQueue, SqsConsumer } from './consumers';
import type { DeadLetterStore } from './dead-letters';
import type { Invoke } from './lambda-invoke';

export interface QueuedMessage {
  messageId: string;
  body: string;
  /** Epoch ms. */
  sentAt: number;
  /** When it may be received next (epoch ms): its delay, then after a failed receive the retry delay. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt: number | null;
}

export const localQueueArn = (name: string): string => `arn:aws:sqs:${localRegion}:${localAccountId}:${name}`;

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** The event Lambda receives for a batch of messages from one queue. */
export function sqsLambdaEvent(queueName: string, messages: QueuedMessage[]): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: localAccountId,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: md5(message.body),
      eventSource: 'aws:sqs',
      eventSourceARN: localQueueArn(queueName),
      awsRegion: localRegion,
    })),
  };
}

/** The message ids a function reported as failed; every message of the batch when it failed as a whole. */
export function failedMessageIds(outcome: Awaited<ReturnType<Invoke>>, batch: QueuedMessage[], reportsBatchItemFailures: boolean): Set<string> {
  if (!outcome.ok) return new Set(batch.map((message) => message.messageId));
  if (!reportsBatchItemFailures) return new Set();
  const failures = (outcome.payload as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  const ids = new Set(batch.map((message) => message.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    // Lambda treats an identifier it cannot match as a failure of the whole batch.
    if (typeof id !== 'string' || !ids.has(id)) return ids;
    failed.add(id);
  }
  return failed;
}

/** One queue's messages, kept in a JSON file (rewritten whole: local queues hold a handful of messages). */
class StoredQueue {
  readonly messages: QueuedMessage[];
  private writing: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];

  constructor(
    readonly declared: DeclaredQueue,
    private readonly file: string,
  ) {
    let kept: QueuedMessage[] = [];
    try {
      kept = JSON.parse(readFileSync(file, 'utf8')) as QueuedMessage[];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.messages = kept;
  }

  /** Written aside and renamed, one write at a time, so a reader never sees half a file. */
  save(): Promise<void> {
    const text = `${JSON.stringify(this.messages, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, this.file);
    });
    return this.writing;
  }

  async add(message: QueuedMessage): Promise<void> {
    this.messages.push(message);
    await this.save();
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when a message arrives, or after `ms`, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }
}

export interface QueueDeliveryDeps {
  invoke: Invoke;
  deadLetters: Pick<DeadLetterStore, 'put'>;
  /** How long a failed message stays invisible before its next receive (AWS: the queue's VisibilityTimeout). */
  retryDelayMs: number;
  /** Wait while the Lambda API cannot be reached at all (does not count as a receive). */
  unreachableDelayMs: number;
  now(): number;
  signal: AbortSignal;
  log(text: string): void;
}

/** Delivers one queue's visible messages to its function until the signal aborts. */
async function deliverQueue(queue: StoredQueue, consumer: SqsConsumer, functionName: string, deps: QueueDeliveryDeps): Promise<void> {
  const { messages } = queue;
  while (!deps.signal.aborted) {
    const now = deps.now();
    const batch = messages.filter((message) => message.visibleAt <= now).slice(0, consumer.batchSize);
    if (batch.length === 0) {
      const next = Math.min(...messages.map((message) => message.visibleAt));
      await queue.wait(Number.isFinite(next) ? next - now : 60_000, deps.signal);
      continue;
    }
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
    }
    const event = sqsLambdaEvent(consumer.queueName, batch);
    const outcome = await deps.invoke(functionName, event);
    if (!outcome.ok && !outcome.reachedFunction) {
      // The function's service is down or restarting: nothing was received, as far as SQS is concerned.
      for (const message of batch) message.receiveCount -= 1;
      for (const message of batch) message.visibleAt = deps.now() + deps.unreachableDelayMs;
      await queue.save();
      continue;
    }
    const failed = failedMessageIds(outcome, batch, consumer.reportBatchItemFailures);
    const error = outcome.ok ? { type: 'BatchItemFailure', message: `the function reported the message as failed: ${JSON.stringify(outcome.payload)}` } : outcome.error;
    for (const message of batch) {
      const index = messages.indexOf(message);
      if (!failed.has(message.messageId)) {
        messages.splice(index, 1);
        continue;
      }
      if (consumer.maxReceiveCount !== null && message.receiveCount >= consumer.maxReceiveCount) {
        messages.splice(index, 1);
        await deps.deadLetters.put({
          source: 'sqs',
          consumer: consumer.id,
          functionName,
          condition: 'RetriesExhausted',
          event: sqsLambdaEvent(consumer.queueName, [message]),
          identity: message.messageId,
          summary: `message ${message.messageId} on ${consumer.queueName}`,
          error,
          attempts: message.receiveCount,
          failedAt: new Date(deps.now()).toISOString(),
        });
        deps.log(`${consumer.id}: message ${message.messageId} on ${consumer.queueName} dead-lettered after ${message.receiveCount} receive(s): ${error.message}`);
        continue;
      }
      message.visibleAt = deps.now() + deps.retryDelayMs;
      deps.log(`${consumer.id}: message ${message.messageId} on ${consumer.queueName} failed (${error.message}); receive ${message.receiveCount} of ${consumer.maxReceiveCount ?? 'unlimited'}`);
    }
    await queue.save();
  }
}

type JsonReply = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

const queueError = (code: string, queryCode: string, message: string): JsonReply => ({
  status: 400,
  body: { __type: `com.amazonaws.sqs#${code}`, message },
  headers: { 'x-amzn-query-error': `${queryCode};Sender` },
});

export interface QueueEmulator {
  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  readonly port: number;
  /** Every queue's messages not yet deleted (tests and `--list` tooling read it). */
  messages(queueName: string): readonly QueuedMessage[];
  /** Starts the event source mappings: once the services' Lambda APIs answer. */
  startDelivery(consumers: Array<{ consumer: SqsConsumer; functionName: string }>, deps: Omit<QueueDeliveryDeps, 'signal'>): void;
  close(): Promise<void>;
}

export async function startQueueEmulator(options: { port: number; address?: string; directory: string; queues: DeclaredQueue[]; now?: () => number }): Promise<QueueEmulator> {
  const now = options.now ?? Date.now;
  mkdirSync(options.directory, { recursive: true });
  const queues = new Map(options.queues.map((declared) => [declared.name, new StoredQueue(declared, path.join(options.directory, `${declared.name}.json`))]));
  const abort = new AbortController();
  const running = new Set<Promise<void>>();

  const queueOf = (queueUrl: unknown) => (typeof queueUrl === 'string' ? queues.get(queueUrl.split('/').pop() ?? '') : undefined);
  const handle = async (target: string, input: Record<string, unknown>, host: string): Promise<JsonReply> => {
    if (target === 'AmazonSQS.GetQueueUrl') {
      const name = String(input.QueueName ?? '');
      if (!queues.has(name)) return queueError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
      return { status: 200, body: { QueueUrl: `http://${host}/${localAccountId}/${name}` } };
    }
    if (target === 'AmazonSQS.SendMessage') {
      const queue = queueOf(input.QueueUrl);
      if (!queue) return queueError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
      const body = input.MessageBody;
      if (typeof body !== 'string' || body === '') return queueError('InvalidParameterValue', 'InvalidParameterValue', 'MessageBody is required and must not be empty.');
      if (input.MessageAttributes !== undefined || input.MessageSystemAttributes !== undefined) {
        return queueError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 'The local queue emulator takes no message attributes.');
      }
      const delaySeconds = input.DelaySeconds === undefined ? queue.declared.delaySeconds : Number(input.DelaySeconds);
      if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) return queueError('InvalidParameterValue', 'InvalidParameterValue', 'DelaySeconds must be 0..900.');
      const sentAt = now();
      const message: QueuedMessage = { messageId: randomUUID(), body, sentAt, visibleAt: sentAt + delaySeconds * 1000, receiveCount: 0, firstReceivedAt: null };
      await queue.add(message);
      return { status: 200, body: { MessageId: message.messageId, MD5OfMessageBody: md5(body) } };
    }
    return queueError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `The local queue emulator does not implement ${target || 'this request'}.`);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        input = {};
      }
      const reply = (answer: JsonReply) => {
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...answer.headers }).end(JSON.stringify(answer.body));
      };
      handle(String(req.headers['x-amz-target'] ?? ''), input, req.headers.host ?? '127.0.0.1').then(reply, (err: unknown) =>
        reply({ status: 500, body: { __type: 'com.amazonaws.sqs#InternalError', message: err instanceof Error ? err.message : String(err) } }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address ?? '127.0.0.1', resolve);
  });

  const { port } = server.address() as AddressInfo;
  return {
    port,
    messages: (queueName) => queues.get(queueName)?.messages ?? [],
    startDelivery(consumers, deps) {
      for (const { consumer, functionName } of consumers) {
        const queue = queues.get(consumer.queueName);
        if (!queue) throw new Error(`${consumer.id} reads ${consumer.queueName}, which no service declares`);
        const work = deliverQueue(queue, consumer, functionName, { ...deps, signal: abort.signal })
          .catch((err: unknown) => deps.log(`${consumer.id}: queue delivery stopped: ${err instanceof Error ? err.stack : String(err)}`))
          .finally(() => running.delete(work));
        running.add(work);
      }
    },
    async close() {
      abort.abort();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.race([Promise.all([...running]), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    },
  };
}
