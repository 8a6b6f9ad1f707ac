// Every asynchronous consumer keeps its failures: the settings below are what the local platform applies and
// what the packaged stacks carry (check-deploy verifies the templates).
import { declaredBuckets, lambdaName, loadConsumers, resolveLocal } from '../../platform/delivery/consumers';
import { loadServiceDefinitions } from '../../platform/service-definitions';

const services = loadServiceDefinitions();
const consumers = loadConsumers(services);

describe('the asynchronous consumers the services declare', () => {
  it('finds every stream, SNS and S3 consumer', () => {
    expect(consumers.map((c) => `${c.source} ${c.id}`).sort()).toEqual([
      's3 thumbnails.processUpload',
      'sns core-api.mediaEvents',
      'sns core-api.userEvents',
      'sns iot.userEvents',
      'sns notifications.mediaEvents',
      'sns notifications.noteEvents',
      'sns notifications.thingEvents',
      'sns notifications.userEvents',
      'sns thumbnails.deleteUserMedia',
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
      expect(consumer).toMatchObject({ bisectBatchOnFunctionError: true, reportBatchItemFailures: true });
      expect(consumer.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
      // A parked record must still be in the stream (24 h) when someone redrives it.
      expect(consumer.maximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(consumer.maximumRecordAgeInSeconds).toBeLessThanOrEqual(12 * 3600);
    }
  });

  it("reads another service's stream through its ARN param and a service's own table's stream through the table", () => {
    const tables = Object.fromEntries(consumers.flatMap((c) => (c.source === 'stream' ? [[c.id, c.tableName]] : [])));
    expect(tables).toEqual({
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

  it('reads the S3 consumer bucket, event and rules through the bucket resource', () => {
    expect(consumers.find((c) => c.id === 'thumbnails.processUpload')).toMatchObject({ source: 's3', bucket: 'photonotes-local-media', event: 's3:ObjectCreated:*', rules: [{ prefix: 'uploads/' }] });
  });

  it('names functions the way the framework does', () => {
    expect(lambdaName({ serviceName: 'photonotes-search', functionName: 'indexNotes' }, 'prod')).toBe('photonotes-search-prod-indexNotes');
  });

  it('declares the media bucket with its CORS rules for the S3 emulator', () => {
    expect(declaredBuckets(services)).toEqual([{ name: 'photonotes-local-media', corsRules: [expect.objectContaining({ AllowedMethods: ['PUT', 'GET', 'HEAD'] })] }]);
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
