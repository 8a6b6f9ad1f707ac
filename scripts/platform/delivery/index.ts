// The local platform's delivery layer: AWS's side of every asynchronous consumer. It runs the S3 emulator and the
// queue emulator (SQS), polls DynamoDB streams, subscribes to the SNS emulator, fires `schedule` events as
// EventBridge would, applies the buckets' lifecycle rules as S3 would, invokes each function through
// serverless-offline's Lambda API with the event AWS would send, retries as AWS does and keeps what still fails in
// a local dead-letter store (`npm run redrive` replays it). Settings come from each serverless.yml.
import path from 'node:path';
import type { S3EventRecord } from 'aws-lambda';
import { localCredentials, localRegion } from '../emulators';
import type { ServiceDefinition } from '../service-definitions';
import { abortableSleep, invokeAsync, type AsyncInvocation, type AsyncInvokeDeps } from './async-invoke';
import { declaredBuckets, declaredQueues, lambdaName, loadConsumers, type AsyncConsumer, type S3Consumer, type ScheduleConsumer, type SnsConsumer, type SqsConsumer, type StreamConsumer } from './consumers';
import { DeadLetterStore } from './dead-letters';
import { localLambdaInvoker } from './lambda-invoke';
import { declaredLifecycleRules, emulatorS3Client, nextDailySweep, sweepLifecycle } from './lifecycle';
import { s3ConsumerMatches, s3Invocation, startS3Emulator, type S3Emulator } from './s3-delivery';
import { runScheduled, startScheduler, type Scheduler } from './schedules';
import { startSnsDelivery } from './sns-delivery';
import { startQueueEmulator, type QueueEmulator } from './sqs-queues';
import { pollStream, sdkStreamReader } from './stream-poller';

/**
 * Retry pacing, scaled down from AWS so a local failure is decided in seconds: AWS waits about 1 and then
 * 2 minutes between asynchronous retries, and backs off exponentially between stream retries.
 */
export const localRetryDelays = {
  asyncMs: [1000, 2000],
  /** A failed SQS message is received again after this (AWS: the queue's VisibilityTimeout, 60 s here). */
  queueRetryMs: 1000,
  streamMs: [200, 400, 800, 1000],
  unreachableMs: 1000,
  streamPollMs: 250,
};

export interface DeliveryOptions {
  services: ServiceDefinition[];
  /** The platform's data directory: dead letters, stream checkpoints and S3 objects live under it. */
  dataDir: string;
  ports: { dynamodb: number; sns: number; s3: number; sqs: number };
  /** Interface the S3 emulator binds to (0.0.0.0 lets a phone on the LAN upload). */
  s3Address?: string;
  log(text: string): void;
}

export interface DeliveryLayer {
  readonly consumers: AsyncConsumer[];
  readonly deadLetters: DeadLetterStore;
  /** The S3 emulator and its buckets, the queue emulator and its queues: before the services start. */
  startStorage(): Promise<void>;
  /** Stream pollers and SNS subscriptions: once the services' Lambda APIs answer. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function deadLetterDir(dataDir: string): string {
  return path.join(dataDir, 'dead-letters');
}

/**
 * What an asynchronous invocation outside the running platform needs (`npm run schedule`, `npm run lifecycle`,
 * tests): the platform's Lambda retries and dead-letter store, with no abort.
 */
export function localAsyncDeps(options: Pick<AsyncInvokeDeps, 'invoke' | 'deadLetters' | 'log'>): AsyncInvokeDeps {
  return { ...options, retryDelaysMs: localRetryDelays.asyncMs, unreachableDelayMs: localRetryDelays.unreachableMs, now: Date.now, sleep: abortableSleep, signal: new AbortController().signal };
}

export function createDelivery(options: DeliveryOptions): DeliveryLayer {
  const consumers = loadConsumers(options.services);
  const deadLetters = new DeadLetterStore(deadLetterDir(options.dataDir));
  const lambda = localLambdaInvoker(options.services);
  const abort = new AbortController();
  const running = new Set<Promise<unknown>>();
  let s3: S3Emulator | undefined;
  let queues: QueueEmulator | undefined;
  let sns: { close(): Promise<void> } | undefined;
  let scheduler: Scheduler | undefined;
  const reader = sdkStreamReader({ endpoint: `http://127.0.0.1:${options.ports.dynamodb}`, region: localRegion, credentials: localCredentials });

  const track = (work: Promise<unknown>) => {
    const tracked = work.catch((err: unknown) => options.log(`delivery failed: ${err instanceof Error ? err.stack : String(err)}`)).finally(() => running.delete(tracked));
    running.add(tracked);
  };
  const common = { invoke: lambda.invoke, deadLetters, unreachableDelayMs: localRetryDelays.unreachableMs, now: Date.now, sleep: abortableSleep, signal: abort.signal, log: options.log };
  const deliverAsync = (consumer: SnsConsumer | S3Consumer, invocation: Omit<AsyncInvocation, 'consumer' | 'functionName' | 'queuedAt' | 'source'>) =>
    track(
      invokeAsync(
        { ...invocation, source: consumer.source, consumer: consumer.id, functionName: lambdaName(consumer, 'local'), queuedAt: Date.now() },
        consumer.retry,
        { ...common, retryDelaysMs: localRetryDelays.asyncMs },
      ),
    );

  const s3Consumers = consumers.filter((c): c is S3Consumer => c.source === 's3');
  const deliverS3 = (record: S3EventRecord) => {
    const { bucket, object } = record.s3;
    for (const consumer of s3Consumers.filter((c) => s3ConsumerMatches(c, bucket.name, record.eventName, object.key))) deliverAsync(consumer, s3Invocation(consumer, record));
  };
  // S3's lifecycle rules, which the emulator does not run: swept at start (what the days since the last run made
  // due) and at every midnight UTC, as S3 does once a day; each removal's notification goes out like any other.
  const lifecycleRules = declaredLifecycleRules(options.services);
  let lifecycleTimer: NodeJS.Timeout | undefined;
  const sweep = () => {
    if (lifecycleRules.length === 0 || abort.signal.aborted) return;
    const s3Client = emulatorS3Client(options.ports.s3);
    track(
      sweepLifecycle({ s3: s3Client, rules: lifecycleRules, at: new Date(), onExpired: async (record) => deliverS3(record) }).then(
        (expired) => expired.length > 0 && options.log(`lifecycle: expired ${expired.length} object(s): ${expired.map((o) => `${o.bucket}/${o.key} (${o.rule})`).join(', ')}`),
      ).finally(() => s3Client.destroy()),
    );
    lifecycleTimer = setTimeout(sweep, nextDailySweep(new Date()).getTime() - Date.now());
    lifecycleTimer.unref();
  };

  return {
    consumers,
    deadLetters,
    async startStorage() {
      s3 = await startS3Emulator({
        port: options.ports.s3,
        address: options.s3Address ?? '127.0.0.1',
        directory: path.join(options.dataDir, 's3'),
        buckets: declaredBuckets(options.services),
      });
      queues = await startQueueEmulator({ port: options.ports.sqs, directory: path.join(options.dataDir, 'delivery', 'queues'), queues: declaredQueues(options.services) });
      s3.onObjectEvent(deliverS3);
    },
    async start() {
      sns = await startSnsDelivery({
        snsPort: options.ports.sns,
        consumers: consumers.filter((c): c is SnsConsumer => c.source === 'sns'),
        log: options.log,
        dispatch: (consumer, event, notification) =>
          deliverAsync(consumer, { event, identity: notification.MessageId, summary: `message ${notification.MessageId} on ${consumer.topicName}` }),
      });
      queues?.startDelivery(
        consumers.filter((c): c is SqsConsumer => c.source === 'sqs').map((consumer) => ({ consumer, functionName: lambdaName(consumer, 'local') })),
        { ...common, retryDelayMs: localRetryDelays.queueRetryMs },
      );
      sweep();
      // EventBridge's schedules, as asynchronous invocations with the function's retries.
      scheduler = startScheduler(
        consumers.filter((c): c is ScheduleConsumer => c.source === 'schedule'),
        (consumer, ruleIndex, at) => track(runScheduled(consumer, { ...common, retryDelaysMs: localRetryDelays.asyncMs }, { at, ruleIndex })),
      );
      for (const consumer of consumers.filter((c): c is StreamConsumer => c.source === 'stream')) {
        track(
          pollStream({
            ...common,
            consumer,
            functionName: lambdaName(consumer, 'local'),
            reader,
            retryDelaysMs: localRetryDelays.streamMs,
            checkpointFile: path.join(options.dataDir, 'delivery', 'checkpoints', `${consumer.id}.json`),
            pollIntervalMs: localRetryDelays.streamPollMs,
          }),
        );
      }
    },
    async stop() {
      scheduler?.stop();
      clearTimeout(lifecycleTimer);
      abort.abort();
      await sns?.close();
      // In-flight invocations end with their services; do not hold the shutdown for them.
      await Promise.race([Promise.all([...running]), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await s3?.close().catch(() => undefined);
      await queues?.close().catch(() => undefined);
      reader.destroy();
      lambda.destroy();
    },
  };
}
