// Every asynchronous consumer keeps its failures: the settings below are what the local platform applies and
// what the packaged stacks carry (check-deploy verifies the templates).
import path from 'node:path';
import { declaredBuckets, declaredQueues, lambdaName, loadConsumers, resolveLocal } from '../../platform/delivery/consumers';
import { loadServiceDefinitions, localFunctions, readYaml } from '../../platform/service-definitions';

const services = loadServiceDefinitions();
const consumers = loadConsumers(services);

describe('the asynchronous consumers the services declare', () => {
  it('finds every stream, SNS, S3, SQS, IoT topic rule and schedule consumer', () => {
    expect(consumers.map((c) => `${c.source} ${c.id}`).sort()).toEqual([
      'iot iot.ingestTelemetry',
      'iot iot.presence',
      'iot iot.reportState',
      's3 thumbnails.forgetExpiredOriginal',
      's3 thumbnails.processUpload',
      'schedule notifications.sweepExpiredConnections',
      'schedule users.removeUnconfirmedSignUps',
      'sns analytics.mediaEvents',
      'sns analytics.noteEvents',
      'sns analytics.thingEvents',
      'sns analytics.userDeleted',
      'sns analytics.userSignedUp',
      'sns core-api.mediaEvents',
      'sns core-api.userEvents',
      'sns core-api.userSignedUp',
      'sns iot.userEvents',
      'sns notifications.mediaEvents',
      'sns notifications.noteEvents',
      'sns notifications.thingEvents',
      'sns notifications.thingState',
      'sns notifications.thingTelemetry',
      'sns notifications.userEvents',
      'sns thumbnails.deleteUserMedia',
      'sns thumbnails.notePhotoEvents',
      'sqs users.sweepDeletedAccount',
      'stream analytics.processEvents',
      'stream core-api.publishNoteEvents',
      'stream iot.purgeDeletedThings',
      'stream search.indexNotes',
    ]);
  });

  it.each(consumers.map((c) => [c.id, c] as const))('%s has a failure queue of its own, named for the stage', (_id, consumer) => {
    expect(consumer.failureQueue).not.toBeNull();
    expect(consumer.failureQueue?.nameTemplate).toMatch(/^\$\{self:service\}-\$\{sls:stage\}-[\w-]+-failures$/);
  });

  it('gives each consumer a different queue', () => {
    const queues = consumers.map((c) => `${c.serviceName}/${c.failureQueue?.logicalId}`);
    expect(new Set(queues).size).toBe(queues.length);
  });

  it('chooses every stream consumer retries, record age, bisect and partial batch responses deliberately', () => {
    for (const consumer of consumers) {
      if (consumer.source !== 'stream') continue;
      // analytics' processEvents treats a batch as one unit of work whose id comes from its records: a retry must
      // be the same records, so it is never split and never answers per record (services/analytics/serverless.yml).
      const wholeBatches = consumer.id === 'analytics.processEvents';
      expect(consumer).toMatchObject({ bisectBatchOnFunctionError: !wholeBatches, reportBatchItemFailures: !wholeBatches });
      expect(consumer.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
      // A parked record must still be in the stream (24 h) when someone redrives it.
      expect(consumer.maximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(consumer.maximumRecordAgeInSeconds).toBeLessThanOrEqual(12 * 3600);
    }
  });

  it("reads another service's stream through its ARN param and a service's own table's stream through the table", () => {
    const tables = Object.fromEntries(consumers.flatMap((c) => (c.source === 'stream' ? [[c.id, c.tableName]] : [])));
    expect(tables).toEqual({
      'analytics.processEvents': 'photonotes-analytics-local-buffer',
      'core-api.publishNoteEvents': 'photonotes-core-api-local-notes',
      'search.indexNotes': 'photonotes-core-api-local-notes',
      'iot.purgeDeletedThings': 'photonotes-iot-local-things',
    });
  });

  it("passes iot's purge only the removals of thing records", () => {
    const purge = consumers.find((c) => c.id === 'iot.purgeDeletedThings');
    expect(purge).toMatchObject({ source: 'stream', filterPatterns: [{ eventName: ['REMOVE'], dynamodb: { Keys: { sk: { S: ['THING'] } } } }] });
  });

  it('subscribes SNS consumers with their filter policy to the local topic names', () => {
    const userEvents = consumers.find((c) => c.id === 'core-api.userEvents');
    expect(userEvents).toMatchObject({ source: 'sns', topicName: 'photonotes-local-user-events', filterPolicy: { type: ['user.deleted'] }, retry: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 } });
  });

  it('reads the targets of IoT topic rules with their asynchronous retries and their own queues', () => {
    const targets = consumers.filter((c) => c.source === 'iot').map((c) => ({ id: c.id, retry: c.source === 'iot' ? c.retry : null, queue: c.failureQueue }));
    expect(targets).toEqual([
      { id: 'iot.ingestTelemetry', retry: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 }, queue: { logicalId: 'IngestTelemetryFailuresQueue', nameTemplate: '${self:service}-${sls:stage}-ingestTelemetry-failures' } },
      { id: 'iot.reportState', retry: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 }, queue: { logicalId: 'ReportStateFailuresQueue', nameTemplate: '${self:service}-${sls:stage}-reportState-failures' } },
      { id: 'iot.presence', retry: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 }, queue: { logicalId: 'PresenceFailuresQueue', nameTemplate: '${self:service}-${sls:stage}-presence-failures' } },
    ]);
  });

  it.each(consumers.map((c) => [c.id, c] as const))("%s's function may send to its own failure queue and to no other", (_id, consumer) => {
    // Prepare: the function's iamRoleStatements as serverless.yml writes them (anchors resolved).
    const service = services.find((s) => s.name === consumer.service);
    const raw = readYaml<{ functions: Record<string, unknown> }>(path.join(service?.dir ?? '', 'serverless.yml'));
    const fn = localFunctions(raw.functions, service?.dir ?? '')[consumer.functionName] as { iamRoleStatements?: Array<{ Action: string[]; Resource: unknown }> };

    // Act
    const queues = (fn.iamRoleStatements ?? []).filter((statement) => statement.Action.includes('sqs:SendMessage')).flatMap((statement) => [statement.Resource].flat());

    // Assess: `!GetAtt Queue.Arn` reads as `Queue.Arn`. A queue's dead-letter queue is fed by SQS itself, not the function.
    expect(queues).toEqual(consumer.source === 'sqs' ? [] : [`${consumer.failureQueue?.logicalId}.Arn`]);
  });

  it("reads the users service's account sweeps: its queue, batch, partial failures and dead-letter queue", () => {
    expect(consumers.find((c) => c.id === 'users.sweepDeletedAccount')).toEqual({
      id: 'users.sweepDeletedAccount',
      service: 'users',
      serviceName: 'photonotes-users',
      functionName: 'sweepDeletedAccount',
      source: 'sqs',
      queueName: 'photonotes-users-local-account-sweeps',
      batchSize: 10,
      reportBatchItemFailures: true,
      maxReceiveCount: 5,
      failureQueue: { logicalId: 'AccountSweepsFailuresQueue', nameTemplate: '${self:service}-${sls:stage}-sweepDeletedAccount-failures' },
    });
  });

  it('declares the account sweeps queue with the local stage delay for the queue emulator', () => {
    expect(declaredQueues(services)).toEqual(expect.arrayContaining([{ name: 'photonotes-users-local-account-sweeps', delaySeconds: 20 }]));
  });

  it('reads the S3 consumer bucket, event and rules through the bucket resource', () => {
    expect(consumers.find((c) => c.id === 'thumbnails.processUpload')).toMatchObject({ source: 's3', bucket: 'photonotes-local-media', event: 's3:ObjectCreated:*', rules: [{ prefix: 'uploads/' }] });
  });

  it('names functions the way the framework does', () => {
    expect(lambdaName({ serviceName: 'photonotes-search', functionName: 'indexNotes' }, 'prod')).toBe('photonotes-search-prod-indexNotes');
  });

  it('declares the media bucket with its CORS rules for the S3 emulator', () => {
    expect(declaredBuckets(services)).toEqual(
      expect.arrayContaining([{ name: 'photonotes-local-media', corsRules: [expect.objectContaining({ AllowedMethods: ['PUT', 'GET', 'HEAD'] })] }]),
    );
  });

  it('declares the analytics archive and query-results buckets, without CORS (no browser reads them)', () => {
    expect(declaredBuckets(services).filter((bucket) => bucket.name.startsWith('photonotes-local-analytics'))).toEqual([
      { name: 'photonotes-local-analytics', corsRules: [] },
      { name: 'photonotes-local-analytics-results', corsRules: [] },
    ]);
  });
});

describe('resolveLocal', () => {
  it('resolves stage, service, params and env defaults', () => {
    expect(resolveLocal('${self:service}-${sls:stage}-x', 'svc')).toBe('svc-local-x');
    expect(resolveLocal('${param:mediaBucketName}', 'svc')).toBe('photonotes-local-media');
    expect(resolveLocal("${env:PHOTONOTES_UNSET_VARIABLE, 'fallback'}", 'svc')).toBe('fallback');
  });

  it('refuses anything else', () => {
    expect(() => resolveLocal('${ssm:/x}', 'svc')).toThrow(/Cannot resolve/);
  });
});
