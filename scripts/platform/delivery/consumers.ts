// The asynchronous consumers every service declares in its serverless.yml (stream, SNS, S3, SQS, IoT topic rule and
// schedule events), with the retry and failure settings AWS applies to them, as the local platform and `npm run redrive`
// need them. serverless.yml stays the only place these settings are written. (The IoT twin reads the rules'
// SQL itself, scripts/platform/iot/definitions.ts; here a rule target is a consumer with a failure queue.)
import path from 'node:path';
import { localFunctions, localName, readYaml, repoRoot, type RawFunction, type ServiceDefinition } from '../service-definitions';

export interface AsyncRetryPolicy {
  /** Retries after the first attempt (Lambda's asynchronous invocation: 0-2, default 2). */
  maximumRetryAttempts: number;
  /** Events older than this are not tried again (60-21600 s, default 21600). */
  maximumEventAgeInSeconds: number;
}

/** Where a deployed stage parks the consumer's failures: an SQS queue declared in the same serverless.yml. */
export interface FailureQueue {
  logicalId: string;
  /** QueueName as written, with `${self:service}` and `${sls:stage}` left in. */
  nameTemplate: string;
}

interface ConsumerBase {
  /** `<service>.<function>`, e.g. `search.indexNotes`. */
  id: string;
  /** Directory name under services/ (compose key). */
  service: string;
  /** The `service:` name, which prefixes every function name. */
  serviceName: string;
  functionName: string;
  failureQueue: FailureQueue | null;
}

export interface StreamConsumer extends ConsumerBase {
  source: 'stream';
  tableName: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** -1: until the record expires (AWS's default). */
  maximumRetryAttempts: number;
  /** -1: no limit (AWS's default). */
  maximumRecordAgeInSeconds: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  /** Lambda event filter patterns; a record reaches the function when any of them matches. */
  filterPatterns: unknown[];
}

export interface SnsConsumer extends ConsumerBase {
  source: 'sns';
  topicName: string;
  filterPolicy: Record<string, unknown> | null;
  retry: AsyncRetryPolicy;
}

export interface S3Rule {
  prefix?: string;
  suffix?: string;
}

export interface S3Consumer extends ConsumerBase {
  source: 's3';
  bucket: string;
  /** e.g. `s3:ObjectCreated:*`. */
  event: string;
  rules: S3Rule[];
  retry: AsyncRetryPolicy;
}

/**
 * A function reading an SQS queue (an event source mapping): batches of visible messages; a failed message becomes
 * visible again and, after the queue's maxReceiveCount, moves to its dead-letter queue (the consumer's failure queue).
 */
export interface SqsConsumer extends ConsumerBase {
  source: 'sqs';
  queueName: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  /** Receives before a message moves to the dead-letter queue; null: it never does. */
  maxReceiveCount: number | null;
}

/** A function that AWS IoT topic rules invoke (their Lambda action is an asynchronous invocation). */
export interface IotRuleConsumer extends ConsumerBase {
  source: 'iot';
  retry: AsyncRetryPolicy;
}

/** One `schedule` event of a function, as serverless writes it (a string, or an object with `rate`). */
export interface ScheduleRule {
  /** `rate(1 day)`, `cron(...)`: one rule per expression (serverless accepts a list). */
  expression: string;
  enabled: boolean;
  /** EventBridge passes this instead of the scheduled event when it is set. */
  input: unknown;
}

/** A function EventBridge invokes on a schedule (asynchronously: the function's retries, then its failure queue). */
export interface ScheduleConsumer extends ConsumerBase {
  source: 'schedule';
  rules: ScheduleRule[];
  retry: AsyncRetryPolicy;
}

/**
 * The log shipper (README, "Logs to search"): CloudWatch Logs invokes it asynchronously. A deployed stage has it only
 * when it names an OpenSearch domain, and its failure queue comes from scripts/serverless/log-shipping.cjs, not from
 * serverless.yml; the local platform never runs it, so only the deployed redrive knows it (logShipperConsumer).
 */
export interface LogsConsumer extends ConsumerBase {
  source: 'logs';
  retry: AsyncRetryPolicy;
}

export type AsyncConsumer = StreamConsumer | SnsConsumer | S3Consumer | SqsConsumer | IotRuleConsumer | ScheduleConsumer | LogsConsumer;

/** The log shipper as `npm run redrive -- --stage <s>` replays its failure queue (missing on a stage without it). */
export function logShipperConsumer(): LogsConsumer {
  return {
    id: 'users.logShipper',
    service: 'users',
    serviceName: 'photonotes-users',
    functionName: 'logShipper',
    source: 'logs',
    failureQueue: { logicalId: 'LogShipperFailuresQueue', nameTemplate: '${self:service}-${sls:stage}-logShipper-failures' },
    retry: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 },
  };
}

/** The function's name in a stage, as the framework names it (`<service>-<stage>-<function>`). */
export function lambdaName(consumer: Pick<ConsumerBase, 'serviceName' | 'functionName'>, stage: string): string {
  return `${consumer.serviceName}-${stage}-${consumer.functionName}`;
}

interface RawResource {
  Type?: string;
  Properties?: Record<string, unknown>;
}

interface RawServiceFile {
  service: string;
  functions?: Record<string, unknown>;
  custom?: Record<string, unknown>;
  resources?: { Resources?: Record<string, RawResource> };
}

interface CommonFile {
  params?: { local?: Record<string, unknown> };
}

let commonParams: Record<string, unknown> | undefined;

function localParams(root: string): Record<string, unknown> {
  return (commonParams ??= readYaml<CommonFile>(path.join(root, 'serverless.common.yml')).params?.local ?? {});
}

/**
 * Resolves the variables a consumer's settings use, as serverless does for the local stage: `${sls:stage}`,
 * `${self:service}`, `${param:x}` (serverless.common.yml's `local` params) and `${env:X, 'default'}`.
 */
export function resolveLocal(value: unknown, serviceName: string, root = repoRoot): unknown {
  if (typeof value !== 'string') return value;
  const whole = /^\$\{param:([\w-]+)\}$/.exec(value);
  if (whole?.[1]) return resolveLocal(localParams(root)[whole[1]], serviceName, root);
  return value.replace(/\$\{([^}]+)\}/g, (expression: string, inner: string) => {
    if (inner === 'sls:stage') return 'local';
    if (inner === 'self:service') return serviceName;
    const param = /^param:([\w-]+)$/.exec(inner);
    if (param?.[1]) return String(resolveLocal(localParams(root)[param[1]], serviceName, root));
    const env = /^env:(\w+)(?:,\s*'([^']*)')?$/.exec(inner);
    if (env?.[1]) return process.env[env[1]] ?? env[2] ?? '';
    throw new Error(`Cannot resolve ${expression} for the local stage`);
  });
}

/** `!GetAtt Queue.Arn` reads as `Queue.Arn`, `!Ref Bucket` as `Bucket` (the YAML reader keeps intrinsics as plain values). */
function logicalIdOf(reference: unknown): string | null {
  if (typeof reference === 'string') return reference.replace(/\.Arn$/, '');
  if (reference && typeof reference === 'object') {
    const getAtt = (reference as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
    const ref = (reference as Record<string, unknown>).Ref;
    if (typeof ref === 'string') return ref;
  }
  return null;
}

function failureQueueOf(reference: unknown, resources: Record<string, RawResource>): FailureQueue | null {
  const logicalId = logicalIdOf(reference);
  const resource = logicalId ? resources[logicalId] : undefined;
  if (!logicalId || resource?.Type !== 'AWS::SQS::Queue') return null;
  const name = resource.Properties?.QueueName;
  if (typeof name !== 'string') throw new Error(`${logicalId} needs a QueueName, so the redrive tool can find it in every stage`);
  return { logicalId, nameTemplate: name };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function asyncRetry(fn: RawFunction): AsyncRetryPolicy {
  return { maximumRetryAttempts: numberOr(fn.maximumRetryAttempts, 2), maximumEventAgeInSeconds: numberOr(fn.maximumEventAge, 21600) };
}

function tableNameOfStreamArn(arn: string): string {
  const match = /:table\/([^/]+)\/stream\//.exec(arn);
  if (!match?.[1]) throw new Error(`Cannot read a table name from the stream ARN ${arn}`);
  return match[1];
}

function topicNameOf(sns: Record<string, unknown>, serviceName: string): string {
  if (typeof sns.topicName === 'string') return String(resolveLocal(sns.topicName, serviceName));
  const arn = resolveLocal(sns.arn, serviceName);
  if (typeof arn === 'string' && arn.startsWith('arn:')) return arn.split(':').pop() as string;
  throw new Error('An sns event needs a topicName or an ARN that resolves locally');
}

/** A queue's RedrivePolicy as CloudFormation takes it (an object, or its JSON text). */
function redrivePolicyOf(properties: Record<string, unknown> | undefined): { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined {
  const policy = properties?.RedrivePolicy;
  if (typeof policy === 'string') return JSON.parse(policy) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  return policy as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
}

function bucketNameOf(bucket: unknown, resources: Record<string, RawResource>, serviceName: string): string {
  const logicalId = logicalIdOf(bucket);
  const resource = logicalId ? resources[logicalId] : undefined;
  const name = resource?.Type === 'AWS::S3::Bucket' ? resource.Properties?.BucketName : bucket;
  const resolved = resolveLocal(name, serviceName);
  if (typeof resolved !== 'string') throw new Error(`Cannot resolve the bucket of an s3 event (${JSON.stringify(bucket)})`);
  return resolved;
}

/**
 * The table whose stream an event reads: a literal or param ARN (another service's table), or `!GetAtt
 * <Table>.StreamArn` (the service's own table, read as the plain value `<Table>.StreamArn`).
 */
function streamTableName(arn: unknown, resources: Record<string, RawResource>, serviceName: string, custom: unknown): string {
  const ownTable = typeof arn === 'string' ? /^(\w+)\.StreamArn$/.exec(arn) : null;
  const resource = ownTable?.[1] ? resources[ownTable[1]] : undefined;
  if (resource?.Type === 'AWS::DynamoDB::Table') {
    // Table names are usually `${self:custom.tableNames.<table>}`: look that up in the service's own custom block.
    const declared = String(resource.Properties?.TableName).replace(/\$\{self:custom\.([\w.-]+)\}/g, (expression: string, keyPath: string) => {
      let node: unknown = custom;
      for (const key of keyPath.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
      return typeof node === 'string' ? node : expression;
    });
    const name = resolveLocal(declared, serviceName);
    if (typeof name !== 'string') throw new Error(`Cannot resolve the name of table ${ownTable?.[1]}`);
    return name;
  }
  return tableNameOfStreamArn(String(resolveLocal(arn, serviceName)));
}

/** A function's `schedule` events as rules; `inputPath` and `inputTransformer` are not played locally, so they stop the start. */
function scheduleRulesOf(events: Array<Record<string, unknown>>, where: string): ScheduleRule[] {
  return events.flatMap((event) => {
    if (!('schedule' in event)) return [];
    const raw = event.schedule;
    const definition = (typeof raw === 'string' ? { rate: raw } : (raw ?? {})) as Record<string, unknown>;
    for (const unsupported of ['inputPath', 'inputTransformer']) {
      if (definition[unsupported] !== undefined) throw new Error(`${where}: the local scheduler does not play schedule.${unsupported}`);
    }
    const rates = Array.isArray(definition.rate) ? definition.rate : [definition.rate];
    return rates.map((expression): ScheduleRule => {
      if (typeof expression !== 'string') throw new Error(`${where}: a schedule event needs a rate or cron expression`);
      return { expression, enabled: definition.enabled !== false, input: definition.input };
    });
  });
}

/** Every stream, SNS, S3, IoT topic rule and schedule consumer of one service, in the local stage. */
export function serviceConsumers(service: ServiceDefinition): AsyncConsumer[] {
  const raw = readYaml<RawServiceFile>(path.join(service.dir, 'serverless.yml'));
  const resources = raw.resources?.Resources ?? {};
  const consumers: AsyncConsumer[] = [];
  for (const [functionName, fn] of Object.entries(localFunctions(raw.functions ?? {}, service.dir))) {
    const base = { id: `${service.name}.${functionName}`, service: service.name, serviceName: service.serviceName, functionName };
    const functionQueue = failureQueueOf((fn.destinations?.onFailure as { arn?: unknown } | undefined)?.arn, resources);
    for (const event of fn.events ?? []) {
      if (event.stream && typeof event.stream === 'object') {
        const stream = event.stream as Record<string, unknown>;
        if (stream.type !== 'dynamodb') continue;
        const onFailure = (stream.destinations as { onFailure?: { arn?: unknown } } | undefined)?.onFailure;
        consumers.push({
          ...base,
          source: 'stream',
          failureQueue: failureQueueOf(onFailure?.arn, resources),
          tableName: streamTableName(stream.arn, resources, service.serviceName, raw.custom),
          batchSize: numberOr(stream.batchSize, 100),
          startingPosition: stream.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
          maximumRetryAttempts: numberOr(stream.maximumRetryAttempts, -1),
          maximumRecordAgeInSeconds: numberOr(stream.maximumRecordAgeInSeconds, -1),
          bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError === true,
          reportBatchItemFailures: stream.functionResponseType === 'ReportBatchItemFailures',
          filterPatterns: Array.isArray(stream.filterPatterns) ? stream.filterPatterns : [],
        });
      } else if (event.sns && typeof event.sns === 'object') {
        const sns = event.sns as Record<string, unknown>;
        const redrive = sns.redrivePolicy as { deadLetterTargetRef?: unknown } | undefined;
        consumers.push({
          ...base,
          source: 'sns',
          failureQueue: functionQueue ?? failureQueueOf(redrive?.deadLetterTargetRef, resources),
          topicName: topicNameOf(sns, service.serviceName),
          filterPolicy: (sns.filterPolicy as Record<string, unknown> | undefined) ?? null,
          retry: asyncRetry(fn),
        });
      } else if (event.sqs !== undefined) {
        const sqs = (typeof event.sqs === 'object' && event.sqs !== null ? event.sqs : { arn: event.sqs }) as Record<string, unknown>;
        const queueId = logicalIdOf(sqs.arn);
        const queue = queueId ? resources[queueId] : undefined;
        const name = queue?.Type === 'AWS::SQS::Queue' ? queue.Properties?.QueueName : undefined;
        if (typeof name !== 'string') throw new Error(`${base.id}: an sqs event must name a queue of the service (!GetAtt <Queue>.Arn) with a QueueName`);
        const redrive = redrivePolicyOf(queue?.Properties);
        consumers.push({
          ...base,
          source: 'sqs',
          failureQueue: failureQueueOf(redrive?.deadLetterTargetArn, resources),
          queueName: localName(name, service.serviceName),
          batchSize: numberOr(sqs.batchSize, 10),
          reportBatchItemFailures: sqs.functionResponseType === 'ReportBatchItemFailures',
          maxReceiveCount: typeof redrive?.maxReceiveCount === 'number' ? redrive.maxReceiveCount : null,
        });
      } else if (event.s3 && typeof event.s3 === 'object') {
        const s3 = event.s3 as Record<string, unknown>;
        consumers.push({
          ...base,
          source: 's3',
          failureQueue: functionQueue,
          bucket: bucketNameOf(s3.bucket, resources, service.serviceName),
          event: typeof s3.event === 'string' ? s3.event : 's3:ObjectCreated:*',
          rules: Array.isArray(s3.rules) ? (s3.rules as S3Rule[]) : [],
          retry: asyncRetry(fn),
        });
      }
    }
    // However many rules a function is the target of, Lambda has one invoke config for it: one consumer.
    if ((fn.events ?? []).some((event) => 'iot' in event)) {
      consumers.push({ ...base, source: 'iot', failureQueue: functionQueue, retry: asyncRetry(fn) });
    }
    const rules = scheduleRulesOf(fn.events ?? [], `${service.name}.${functionName}`);
    if (rules.length > 0) consumers.push({ ...base, source: 'schedule', failureQueue: functionQueue, rules, retry: asyncRetry(fn) });
  }
  return consumers;
}

export function loadConsumers(services: ServiceDefinition[]): AsyncConsumer[] {
  return services.flatMap(serviceConsumers);
}

export interface DeclaredBucket {
  name: string;
  /** CloudFormation's CorsConfiguration.CorsRules, as declared. */
  corsRules: Array<Record<string, unknown>>;
}

/** The buckets the services declare, named as in the local stage, with their CORS rules. */
export function declaredBuckets(services: ServiceDefinition[]): DeclaredBucket[] {
  return services.flatMap((service) => {
    const raw = readYaml<RawServiceFile>(path.join(service.dir, 'serverless.yml'));
    return Object.values(raw.resources?.Resources ?? {})
      .filter((resource) => resource.Type === 'AWS::S3::Bucket')
      .map((resource) => ({
        name: bucketNameOf(resource.Properties?.BucketName, {}, service.serviceName),
        corsRules: ((resource.Properties?.CorsConfiguration as { CorsRules?: Array<Record<string, unknown>> } | undefined)?.CorsRules ?? []),
      }));
  });
}

export interface DeclaredQueue {
  /** As named in the local stage. */
  name: string;
  /** How long a new message stays invisible (the queue's DelaySeconds, 0-900). */
  delaySeconds: number;
}

/** The SQS queues the services declare, named as in the local stage, with their delay. */
export function declaredQueues(services: ServiceDefinition[]): DeclaredQueue[] {
  return services.flatMap((service) => {
    const raw = readYaml<RawServiceFile>(path.join(service.dir, 'serverless.yml'));
    return Object.values(raw.resources?.Resources ?? {})
      .filter((resource) => resource.Type === 'AWS::SQS::Queue')
      .map((resource) => ({
        name: localName(String(resource.Properties?.QueueName), service.serviceName),
        delaySeconds: Number(resolveLocal(resource.Properties?.DelaySeconds ?? 0, service.serviceName)),
      }));
  });
}
