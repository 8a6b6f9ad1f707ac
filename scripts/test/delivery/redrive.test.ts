import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeadLetterStore, deadLetterId, type NewDeadLetter } from '../../platform/delivery/dead-letters';
import type { Invoke, InvokeOutcome } from '../../platform/delivery/lambda-invoke';
import { loadConsumers } from '../../platform/delivery/consumers';
import { classifyFailureMessage, describeFailureMessage, queueMessageEvent, queueName } from '../../platform/delivery/redrive-deployed';
import { redriveLocal } from '../../platform/delivery/redrive-local';
import { loadServiceDefinitions } from '../../platform/service-definitions';
import { functionError, ok, streamRecord } from './support';

let dir: string;
let store: DeadLetterStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dead-letters-'));
  store = new DeadLetterStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The consumers the services' serverless.yml files declare. */
const declaredConsumers = loadConsumers(loadServiceDefinitions());

const snsFailure = (identity: string, failedAt = '2026-01-01T00:00:00.000Z'): NewDeadLetter => ({
  source: 'sns',
  consumer: 'core-api.userEvents',
  functionName: 'photonotes-core-api-local-userEvents',
  condition: 'RetriesExhausted',
  event: { Records: [{ Sns: { MessageId: identity } }] },
  identity,
  summary: `message ${identity}`,
  error: { type: 'Error', message: 'boom' },
  attempts: 3,
  failedAt,
});

function recordingInvoke(outcome: (call: number) => InvokeOutcome) {
  const calls: Array<{ functionName: string; event: unknown }> = [];
  const invoke: Invoke = async (functionName, event) => {
    calls.push({ functionName, event });
    return outcome(calls.length);
  };
  return { invoke, calls };
}

describe('DeadLetterStore', () => {
  it('gives the same failed event of the same consumer the same id, and another consumer another one', () => {
    expect(deadLetterId('sns', 'a.f', 'm1')).toBe(deadLetterId('sns', 'a.f', 'm1'));
    expect(deadLetterId('sns', 'b.f', 'm1')).not.toBe(deadLetterId('sns', 'a.f', 'm1'));
  });

  it('keeps a letter with its event, and merges a later failure of the same event into it', async () => {
    const first = await store.put(snsFailure('m1', '2026-01-01T00:00:00.000Z'));
    await store.put(snsFailure('m1', '2026-01-02T00:00:00.000Z'));
    expect(await store.list()).toEqual([
      expect.objectContaining({ id: first.id, status: 'pending', attempts: 6, firstFailureAt: '2026-01-01T00:00:00.000Z', lastFailureAt: '2026-01-02T00:00:00.000Z', event: snsFailure('m1').event }),
    ]);
  });

  it('lets one holder of a letter lock at a time', async () => {
    const letter = await store.put(snsFailure('m1'));
    const inner = await store.withLock(letter.id, async () => store.withLock(letter.id, async () => 'second'));
    expect(inner).toBeUndefined();
    expect(await store.withLock(letter.id, async () => 'again')).toBe('again');
  });
});

describe('redriveLocal', () => {
  it('replays each pending letter to its function with its event and marks it redriven', async () => {
    const letter = await store.put(snsFailure('m1'));
    const lambda = recordingInvoke(() => ok());
    const results = await redriveLocal({ store, invoke: lambda.invoke, consumers: [], now: () => new Date('2026-02-01T00:00:00.000Z') });
    expect(results).toEqual([{ id: letter.id, consumer: 'core-api.userEvents', summary: 'message m1', outcome: 'redriven' }]);
    expect(lambda.calls).toEqual([{ functionName: 'photonotes-core-api-local-userEvents', event: letter.event }]);
    expect(await store.get(letter.id)).toMatchObject({ status: 'redriven', redrivenAt: '2026-02-01T00:00:00.000Z', redrives: [{ ok: true }] });
  });

  it('never replays a redriven letter again', async () => {
    const letter = await store.put(snsFailure('m1'));
    const lambda = recordingInvoke(() => ok());
    await redriveLocal({ store, invoke: lambda.invoke, consumers: [] });
    const again = await redriveLocal({ store, invoke: lambda.invoke, consumers: [], ids: [letter.id] });
    const all = await redriveLocal({ store, invoke: lambda.invoke, consumers: [] });
    expect(lambda.calls).toHaveLength(1);
    expect(again).toEqual([expect.objectContaining({ outcome: 'skipped' })]);
    expect(all).toEqual([]);
  });

  it('leaves a letter whose replay fails pending, with the attempt recorded', async () => {
    const letter = await store.put(snsFailure('m1'));
    const results = await redriveLocal({ store, invoke: recordingInvoke(() => functionError('still broken')).invoke, consumers: [] });
    expect(results).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'still broken' })]);
    expect(await store.get(letter.id)).toMatchObject({ status: 'pending', redrives: [{ ok: false, error: { message: 'still broken' } }] });
  });

  it('counts records a stream consumer reports as failed as a failed replay', async () => {
    const record = streamRecord(7);
    const letter = await store.put({ ...snsFailure('7..7'), source: 'stream', consumer: 'search.indexNotes', event: { Records: [record] } });
    const lambda = recordingInvoke(() => ok({ batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }] }));
    const results = await redriveLocal({ store, invoke: lambda.invoke, consumers: [] });
    expect(results[0]?.outcome).toBe('failed');
    expect((await store.get(letter.id))?.status).toBe('pending');
  });

  it("replays an IoT rule target's letter (the IoT twin's) with the event the function received", async () => {
    // Prepare: what the twin's rules engine writes for reportState.
    const event = { payload: Buffer.from('{"reported":{"mode":"eco"}}').toString('base64'), thingId: 't1', receivedAt: 1_767_225_600_000 };
    const letter = await store.put({ ...snsFailure('4f0c'), source: 'iot', consumer: 'iot.reportState', functionName: 'photonotes-iot-local-reportState', event, summary: 'message on things/t1/state/reported (topic rule ReportStateIotTopicRule1)' });
    const lambda = recordingInvoke(() => ok('stored'));

    // Act
    const results = await redriveLocal({ store, invoke: lambda.invoke, consumers: declaredConsumers });

    // Assess
    expect(letter.id).toMatch(/^iot-[0-9a-f]{16}$/);
    expect(results).toEqual([expect.objectContaining({ id: letter.id, consumer: 'iot.reportState', outcome: 'redriven' })]);
    expect(lambda.calls).toEqual([{ functionName: 'photonotes-iot-local-reportState', event }]);
  });

  it("counts messages a queue consumer reports as failed as a failed replay (the queue emulator's letters)", async () => {
    const event = { Records: [{ messageId: 'm-1', body: '{}' }] };
    const letter = await store.put({ ...snsFailure('m-1'), source: 'sqs', consumer: 'users.sweepDeletedAccount', functionName: 'photonotes-users-local-sweepDeletedAccount', event });
    const lambda = recordingInvoke(() => ok({ batchItemFailures: [{ itemIdentifier: 'm-1' }] }));
    const results = await redriveLocal({ store, invoke: lambda.invoke, consumers: declaredConsumers });
    expect(results[0]?.outcome).toBe('failed');
    expect((await store.get(letter.id))?.status).toBe('pending');
  });

  it('says so for an id it does not know', async () => {
    expect(await redriveLocal({ store, invoke: recordingInvoke(() => ok()).invoke, consumers: [], ids: ['sns-0000000000000000'] })).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'no such dead letter' })]);
  });
});

describe('the failure queues a deployed redrive reads', () => {
  it("include each IoT topic rule target's own queue, named for the stage", () => {
    const names = declaredConsumers.filter((c) => c.source === 'iot').map((c) => [c.id, queueName(c, 'prod')]);
    expect(names).toEqual([
      ['iot.ingestTelemetry', 'photonotes-iot-prod-ingestTelemetry-failures'],
      ['iot.reportState', 'photonotes-iot-prod-reportState-failures'],
      ['iot.presence', 'photonotes-iot-prod-presence-failures'],
    ]);
  });
});

describe('queueMessageEvent (a dead-letter queue of a queue a function reads)', () => {
  it('rebuilds the SQS event the function receives, its source named from the queue URL', () => {
    const event = queueMessageEvent(
      { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: '{"type":"account.sweep"}', Attributes: { ApproximateReceiveCount: '5', SentTimestamp: '1767225600000' } },
      'https://sqs.eu-west-1.amazonaws.com/123456789012/photonotes-users-prod-sweepDeletedAccount-failures',
    );
    expect(event.Records).toEqual([
      expect.objectContaining({
        messageId: 'm-1',
        body: '{"type":"account.sweep"}',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:photonotes-users-prod-sweepDeletedAccount-failures',
        awsRegion: 'eu-west-1',
        attributes: expect.objectContaining({ ApproximateReceiveCount: '5', SentTimestamp: '1767225600000' }),
      }),
    ]);
  });
});

describe('classifyFailureMessage (deployed failure queues)', () => {
  it('reads a Lambda asynchronous-invocation record', () => {
    const body = JSON.stringify({ version: '1.0', requestContext: { requestId: 'r', functionArn: 'arn:aws:lambda:us-east-1:1:function:f:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 }, requestPayload: { Records: [1] }, responsePayload: { errorMessage: 'boom' } });
    const message = classifyFailureMessage(body);
    expect(message).toEqual({ kind: 'invocation-record', payload: { Records: [1] }, condition: 'RetriesExhausted', error: 'boom' });
    expect(describeFailureMessage(message)).toBe('invocation record (RetriesExhausted: boom)');
  });

  it('reads a stream on-failure record', () => {
    const batch = { shardId: 'shardId-1', startSequenceNumber: '100', endSequenceNumber: '200', streamArn: 'arn:aws:dynamodb:us-east-1:1:table/t/stream/x', batchSize: 2 };
    expect(classifyFailureMessage(JSON.stringify({ requestContext: { condition: 'RetryAttemptsExhausted' }, DDBStreamBatchInfo: batch }))).toEqual({ kind: 'stream-batch', batch, condition: 'RetryAttemptsExhausted' });
  });

  it('reads an SNS message a subscription could not deliver', () => {
    const notification = { Type: 'Notification', MessageId: 'm', TopicArn: 'arn:t', Message: '{}', Timestamp: 't' };
    expect(classifyFailureMessage(JSON.stringify(notification))).toEqual({ kind: 'sns-message', notification });
  });

  it('does not guess at anything else', () => {
    expect(classifyFailureMessage('hello').kind).toBe('unknown');
    expect(classifyFailureMessage('{"a":1}').kind).toBe('unknown');
  });
});
