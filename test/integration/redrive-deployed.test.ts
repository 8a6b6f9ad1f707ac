// `npm run redrive -- --stage <s>` against real SQS and DynamoDB Streams APIs: moto_server (installed on these
// machines), started on a free loopback port for this file. moto cannot run Lambda functions, so the
// function side is a recording fake; queues, messages, deletion and the stream re-read are real.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadConsumers, logShipperConsumer, type StreamConsumer } from '../../scripts/platform/delivery/consumers';
import type { Invoke, InvokeOutcome } from '../../scripts/platform/delivery/lambda-invoke';
import { queueName, redriveDeployed } from '../../scripts/platform/delivery/redrive-deployed';
import { sdkStreamReader } from '../../scripts/platform/delivery/stream-poller';
import { canConnect } from '../../scripts/platform/net';
import { loadServiceDefinitions } from '../../scripts/platform/service-definitions';

jest.setTimeout(60_000);

const stage = 'moto';
const credentials = { accessKeyId: 'moto', secretAccessKey: 'moto' };
const consumers = loadConsumers(loadServiceDefinitions());
const consumer = (id: string) => consumers.find((c) => c.id === id) as (typeof consumers)[number];

let moto: ChildProcess | undefined;
let endpoint: string;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let reader: ReturnType<typeof sdkStreamReader>;
const queueUrls = new Map<string, string>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (moto.exitCode !== null || Date.now() > deadline) throw new Error('moto_server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  endpoint = `http://127.0.0.1:${port}`;
  sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials });
  dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  reader = sdkStreamReader({ endpoint, region: 'us-east-1', credentials });
  for (const c of consumers) {
    const name = queueName(c, stage) as string;
    queueUrls.set(c.id, (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string);
  }
}, 30_000);

afterAll(async () => {
  sqs?.destroy();
  dynamodb?.destroy();
  reader?.destroy();
  if (moto && moto.exitCode === null) {
    const exited = new Promise((resolve) => moto?.once('exit', resolve));
    moto.kill('SIGTERM');
    await exited;
  }
});

function fakeLambda(outcome: (functionName: string) => InvokeOutcome) {
  const calls: Array<{ functionName: string; event: unknown }> = [];
  const invoke: Invoke = async (functionName, event) => {
    calls.push({ functionName, event });
    return outcome(functionName);
  };
  return { invoke, calls };
}

async function visibleMessages(id: string): Promise<number> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrls.get(id), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

const send = (id: string, body: unknown) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrls.get(id), MessageBody: JSON.stringify(body) }));
const only = (...ids: string[]) => consumers.filter((c) => ids.includes(c.id));

describe('redriveDeployed', () => {
  it('replays an asynchronous-invocation record and an undelivered SNS message to the function, then deletes them', async () => {
    // Prepare
    const payload = { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'm-1', Message: '{}' } }] };
    await send('core-api.userEvents', { version: '1.0', requestContext: { condition: 'RetriesExhausted', functionArn: 'arn:f' }, requestPayload: payload, responsePayload: { errorMessage: 'boom' } });
    await send('core-api.userEvents', { Type: 'Notification', MessageId: 'm-2', TopicArn: 'arn:aws:sns:us-east-1:1:photonotes-moto-user-events', Message: '{"id":"e2"}', Timestamp: '2026-01-01T00:00:00.000Z' });
    const lambda = fakeLambda(() => ({ ok: true, payload: null }));

    // Act
    const [report] = await redriveDeployed({ stage, consumers: only('core-api.userEvents'), sqs, invoke: lambda.invoke, streams: reader, list: false });

    // Assess
    expect(report?.messages.map((m) => m.outcome)).toEqual(['redriven', 'redriven']);
    expect(lambda.calls.map((c) => c.functionName)).toEqual(['photonotes-core-api-moto-userEvents', 'photonotes-core-api-moto-userEvents']);
    const events = lambda.calls.map((c) => c.event as { Records: Array<{ Sns: { MessageId: string } }> });
    expect(events.map((e) => e.Records[0]?.Sns.MessageId).sort()).toEqual(['m-1', 'm-2']);
    expect(await visibleMessages('core-api.userEvents')).toBe(0);
  });

  it("finds each IoT rule target's own queue and replays Lambda's on-failure record (requestPayload) to that function", async () => {
    // Prepare: the record Lambda's on-failure destination sends for a topic rule's asynchronous invocation of presence.
    const lifecycleEvent = { clientId: 't1', timestamp: 1_767_225_600_000, eventType: 'connected', sessionIdentifier: 's-1', principalIdentifier: 't1', versionNumber: 3 };
    await send('iot.presence', {
      version: '1.0',
      timestamp: '2026-01-01T00:00:10.000Z',
      requestContext: { requestId: 'r-1', functionArn: 'arn:aws:lambda:us-east-1:1:function:photonotes-iot-moto-presence:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: lifecycleEvent,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'Presence of t1 kept changing' },
    });
    const lambda = fakeLambda(() => ({ ok: true, payload: 'applied' }));
    const iotTargets = consumers.filter((c) => c.source === 'iot');

    // Act
    const reports = await redriveDeployed({ stage, consumers: iotTargets, sqs, invoke: lambda.invoke, streams: reader, list: false });

    // Assess: the three queues are read; the record goes to presence alone, with the event the rule gave it.
    expect(reports.map((r) => [r.consumer, r.queue, r.messages.length, r.missing ?? false])).toEqual([
      ['iot.ingestTelemetry', 'photonotes-iot-moto-ingestTelemetry-failures', 0, false],
      ['iot.reportState', 'photonotes-iot-moto-reportState-failures', 0, false],
      ['iot.presence', 'photonotes-iot-moto-presence-failures', 1, false],
    ]);
    expect(reports[2]?.messages[0]).toMatchObject({ description: 'invocation record (RetriesExhausted: Presence of t1 kept changing)', outcome: 'redriven' });
    expect(lambda.calls).toEqual([{ functionName: 'photonotes-iot-moto-presence', event: lifecycleEvent }]);
    expect(await visibleMessages('iot.presence')).toBe(0);
  });

  it("replays the log shipper's on-failure record, from the queue log-shipping.cjs names, and reports the queue missing on a stage without it", async () => {
    // Prepare: the plugin's queue for this stage, and the record of a CloudWatch Logs invocation that failed.
    const shipper = logShipperConsumer();
    const plugin = jest.requireActual<{ shipperName: (stage: string) => string }>('../../scripts/serverless/log-shipping.cjs');
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${plugin.shipperName(stage)}-failures` }))).QueueUrl as string;
    const payload = { awslogs: { data: 'H4sIAAAAAAAAA6tWSkksSVSyUlAqSyxKTclMzCsB0kq1AA==' } };
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ version: '1.0', requestContext: { condition: 'RetriesExhausted', functionArn: 'arn:f' }, requestPayload: payload, responsePayload: { errorMessage: 'bulk answered 503' } }) }));
    const lambda = fakeLambda(() => ({ ok: true, payload: null }));

    // Act
    const [report] = await redriveDeployed({ stage, consumers: [shipper], sqs, invoke: lambda.invoke, streams: reader, list: false });
    const [elsewhere] = await redriveDeployed({ stage: 'nosearch', consumers: [shipper], sqs, invoke: lambda.invoke, streams: reader, list: true });

    // Assess
    expect(report).toMatchObject({ queue: `${plugin.shipperName(stage)}-failures`, messages: [{ outcome: 'redriven' }] });
    expect(lambda.calls).toEqual([{ functionName: plugin.shipperName(stage), event: payload }]);
    expect(elsewhere?.missing).toBe(true);
  });

  it('keeps a message whose replay fails, visible for the next run, and lists without replaying', async () => {
    // Prepare
    await send('thumbnails.processUpload', { requestContext: { condition: 'RetriesExhausted' }, requestPayload: { Records: [{ s3: {} }] } });
    const failing = fakeLambda(() => ({ ok: false, reachedFunction: true, error: { type: 'Error', message: 'still broken' } }));

    // Act
    const [failed] = await redriveDeployed({ stage, consumers: only('thumbnails.processUpload'), sqs, invoke: failing.invoke, streams: reader, list: false });
    const listing = fakeLambda(() => ({ ok: true, payload: null }));
    const [listed] = await redriveDeployed({ stage, consumers: only('thumbnails.processUpload'), sqs, invoke: listing.invoke, streams: reader, list: true });

    // Assess
    expect(failed?.messages).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'still broken' })]);
    expect(listed?.messages).toHaveLength(1);
    expect(listed?.messages[0]).toMatchObject({ description: 'invocation record (RetriesExhausted)', receiveCount: '2' });
    expect(listed?.messages[0]?.outcome).toBeUndefined();
    expect(listing.calls).toEqual([]);
    expect(await visibleMessages('thumbnails.processUpload')).toBe(1);
  });

  it('re-reads a stream on-failure record from the stream, filtered as the mapping filters, and replays those records', async () => {
    // Prepare: three writes to a table with a stream; the middle one is not a note (filtered out).
    const created = await dynamodb.send(
      new CreateTableCommand({
        TableName: 'notes-moto',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const streamArn = created.TableDescription?.LatestStreamArn as string;
    for (const [pk, entity] of [['n1', 'note'], ['s1', 'share'], ['n2', 'note']]) {
      await dynamodb.send(new PutItemCommand({ TableName: 'notes-moto', Item: { pk: { S: pk as string }, entity: { S: entity as string } } }));
    }
    const [shard] = await reader.shards(streamArn);
    const iterator = await reader.iterator(streamArn, shard?.shardId as string, { type: 'TRIM_HORIZON' });
    const written = (await reader.records(iterator as string, 10)).records;
    expect(written).toHaveLength(3);
    await send('search.indexNotes', {
      requestContext: { condition: 'RetryAttemptsExhausted' },
      DDBStreamBatchInfo: { shardId: shard?.shardId, startSequenceNumber: written[0]?.dynamodb.SequenceNumber, endSequenceNumber: written[2]?.dynamodb.SequenceNumber, streamArn, batchSize: 3 },
    });
    const lambda = fakeLambda(() => ({ ok: true, payload: { batchItemFailures: [] } }));

    // Act
    const [report] = await redriveDeployed({ stage, consumers: only('search.indexNotes'), sqs, invoke: lambda.invoke, streams: reader, list: false });

    // Assess
    expect(report?.messages).toEqual([expect.objectContaining({ outcome: 'redriven' })]);
    expect(lambda.calls).toHaveLength(1);
    expect(lambda.calls[0]?.functionName).toBe('photonotes-search-moto-indexNotes');
    const records = (lambda.calls[0]?.event as { Records: Array<{ eventSourceARN: string; dynamodb: { Keys: { pk: { S: string } } } }> }).Records;
    expect(records.map((r) => r.dynamodb.Keys.pk.S)).toEqual(['n1', 'n2']);
    expect(records[0]?.eventSourceARN).toBe(streamArn);
    expect((consumer('search.indexNotes') as StreamConsumer).reportBatchItemFailures).toBe(true);
    expect(await visibleMessages('search.indexNotes')).toBe(0);
  });
});
