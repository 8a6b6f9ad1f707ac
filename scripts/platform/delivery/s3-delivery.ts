// The S3 emulator (s3rver) with the buckets the services declare (and their CORS rules), and S3 → Lambda:
// each object event is matched against the functions' `s3` events (bucket, event type, prefix/suffix rules)
// and becomes the event AWS sends, delivered by asynchronous invocation (retries, then the dead-letter store).
import { mkdirSync } from 'node:fs';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import S3rver from 's3rver';
import { invokeAsync, type AsyncInvokeDeps, type AsyncResult } from './async-invoke';
import { lambdaName, type DeclaredBucket, type S3Consumer } from './consumers';

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** CloudFormation's CorsConfiguration.CorsRules as the CORSConfiguration XML S3 (and s3rver) read. */
export function corsXml(rules: Array<Record<string, unknown>>): string {
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);
  const tags = (tag: string, values: string[]) => values.map((value) => `<${tag}>${xmlEscape(value)}</${tag}>`).join('');
  const body = rules
    .map(
      (rule) =>
        '<CORSRule>' +
        tags('AllowedOrigin', list(rule.AllowedOrigins)) +
        tags('AllowedMethod', list(rule.AllowedMethods)) +
        tags('AllowedHeader', list(rule.AllowedHeaders)) +
        tags('ExposeHeader', list(rule.ExposedHeaders)) +
        (rule.MaxAge === undefined ? '' : `<MaxAgeSeconds>${Number(rule.MaxAge)}</MaxAgeSeconds>`) +
        '</CORSRule>',
    )
    .join('');
  return `<CORSConfiguration>${body}</CORSConfiguration>`;
}

/** Does an `s3` event (`s3:ObjectCreated:*`, `s3:ObjectCreated:Put`...) with its rules select this record? */
export function s3ConsumerMatches(consumer: Pick<S3Consumer, 'bucket' | 'event' | 'rules'>, bucket: string, eventName: string, key: string): boolean {
  if (consumer.bucket !== bucket) return false;
  const wanted = consumer.event.replace(/^s3:/, '');
  const matchesEvent = wanted.endsWith(':*') ? eventName.startsWith(wanted.slice(0, -1)) : eventName === wanted;
  return matchesEvent && consumer.rules.every((rule) => (rule.prefix === undefined || key.startsWith(rule.prefix)) && (rule.suffix === undefined || key.endsWith(rule.suffix)));
}

/** Keys in S3 notifications are URL-encoded, spaces as '+'; slashes stay. */
export function notificationKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

/** The event AWS sends a function for one object event (one record per event, as S3 does). */
export function s3LambdaEvent(record: S3EventRecord, configurationId: string): S3Event {
  const bucket = record.s3.bucket.name;
  return {
    Records: [
      {
        ...record,
        s3: {
          ...record.s3,
          configurationId,
          bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { ...record.s3.object, key: notificationKey(record.s3.object.key) },
        },
      },
    ],
  };
}

/** What one object event is to one consumer: the event its function gets, and how its dead letter names it. */
export function s3Invocation(consumer: S3Consumer, record: S3EventRecord): { event: S3Event; identity: string; summary: string } {
  const { bucket, object } = record.s3;
  return {
    event: s3LambdaEvent(record, `${consumer.functionName}-${consumer.event}`),
    identity: `${bucket.name}/${object.key}@${object.sequencer}`,
    summary: `${record.eventName} s3://${bucket.name}/${object.key}`,
  };
}

/**
 * Delivers one object event to every consumer that asks for it and waits for the outcomes (outside the platform:
 * `npm run lifecycle`, tests); the platform itself delivers in the background.
 */
export async function deliverS3Record(consumers: S3Consumer[], record: S3EventRecord, deps: AsyncInvokeDeps): Promise<AsyncResult[]> {
  const matching = consumers.filter((c) => s3ConsumerMatches(c, record.s3.bucket.name, record.eventName, record.s3.object.key));
  return Promise.all(
    matching.map((consumer) =>
      invokeAsync({ ...s3Invocation(consumer, record), source: consumer.source, consumer: consumer.id, functionName: lambdaName(consumer, 'local'), queuedAt: deps.now() }, consumer.retry, deps),
    ),
  );
}

export interface S3Emulator {
  /** Called for every object event, with the record as s3rver reports it (key not encoded). */
  onObjectEvent(listener: (record: S3EventRecord) => void): void;
  close(): Promise<void>;
}

export async function startS3Emulator(options: { port: number; address: string; directory: string; buckets: DeclaredBucket[] }): Promise<S3Emulator> {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: options.address,
    port: options.port,
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((bucket) => ({ name: bucket.name, configs: bucket.corsRules.length > 0 ? [corsXml(bucket.corsRules)] : [] })),
  });
  await server.run();
  return {
    onObjectEvent(listener) {
      server.on('event', (event: S3Event) => {
        for (const record of event.Records) listener(record);
      });
    },
    close: () => server.close(),
  };
}
