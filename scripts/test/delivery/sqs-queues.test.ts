// The queue emulator through the SDK the functions use (SendMessage, GetQueueUrl) and its event source mapping:
// delays, batches, partial failures, the dead-letter store, and messages kept across a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { SqsConsumer } from '../../platform/delivery/consumers';
import type { Invoke, InvokeOutcome } from '../../platform/delivery/lambda-invoke';
import { startQueueEmulator } from '../../platform/delivery/sqs-queues';
import type { QueueEmulator } from '../../platform/delivery/sqs-queues';
import { functionError, memoryDeadLetters, ok, unreachable } from './support';

const queueName = 'photonotes-users-local-account-sweeps';
const consumer: SqsConsumer = {
  id: 'users.sweepDeletedAccount',
  service: 'users',
  serviceName: 'photonotes-users',
  functionName: 'sweepDeletedAccount',
  source: 'sqs',
  queueName,
  batchSize: 10,
  reportBatchItemFailures: true,
  maxReceiveCount: 3,
  failureQueue: null,
};

let dir: string;
const running: QueueEmulator[] = [];
const clients: SQSClient[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'queues-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
  for (const client of clients.splice(0)) client.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function start(delaySeconds = 0) {
  const emulator = await startQueueEmulator({ port: 0, directory: dir, queues: [{ name: queueName, delaySeconds }] });
  running.push(emulator);
  const client = new SQSClient({ endpoint: `http://127.0.0.1:${emulator.port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  clients.push(client);
  const queueUrl = `http://127.0.0.1:${emulator.port}/000000000000/${queueName}`;
  return { emulator, client, queueUrl, send: (body: string, delay?: number) => client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...(delay === undefined ? {} : { DelaySeconds: delay }) })) };
}

/** A function that answers with `respond`; every event is kept, with when it arrived. */
function recordingLambda(respond: (event: SQSEvent, call: number) => InvokeOutcome = () => ok({ batchItemFailures: [] })) {
  const calls: Array<{ at: number; event: SQSEvent }> = [];
  const invoke: Invoke = async (_name, event) => {
    calls.push({ at: Date.now(), event: event as SQSEvent });
    return respond(event as SQSEvent, calls.length);
  };
  return { invoke, calls };
}

function deliver(emulator: QueueEmulator, invoke: Invoke) {
  const { deadLetters, letters } = memoryDeadLetters();
  emulator.startDelivery([{ consumer, functionName: 'photonotes-users-local-sweepDeletedAccount' }], {
    invoke,
    deadLetters,
    retryDelayMs: 20,
    unreachableDelayMs: 20,
    now: Date.now,
    log: () => undefined,
  });
  return letters;
}

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the queue emulator', () => {
  test('SendMessage answers as SQS does (the SDK checks the body MD5), and the function receives the SQS event', async () => {
    // Prepare
    const { emulator, send } = await start();
    const lambda = recordingLambda();
    deliver(emulator, lambda.invoke);

    // Act
    const sent = await send('{"hello":"world"}');
    await until(() => lambda.calls.length === 1);

    // Assess
    expect(sent.MessageId).toEqual(expect.any(String));
    expect(lambda.calls[0]?.event.Records).toEqual([
      expect.objectContaining({
        messageId: sent.MessageId,
        body: '{"hello":"world"}',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
        attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }),
      }),
    ]);
    await until(() => emulator.messages(queueName).length === 0);
    expect(emulator.messages(queueName)).toEqual([]);
  });

  test("holds a message for the queue's DelaySeconds, and for the message's own when it gives one", async () => {
    // Prepare
    const { emulator, send } = await start(1);
    const lambda = recordingLambda();
    deliver(emulator, lambda.invoke);
    const sentAt = Date.now();

    // Act
    await send('delayed by the queue');
    await send('not delayed', 0);
    await until(() => lambda.calls.length === 2);

    // Assess
    expect(lambda.calls.map((call) => call.event.Records[0]?.body)).toEqual(['not delayed', 'delayed by the queue']);
    expect((lambda.calls[1]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(1_000);
  });

  test('a message the function reports as failed is received again; the others of its batch are deleted', async () => {
    // Prepare
    const { emulator, send } = await start();
    const lambda = recordingLambda((event, call) => ok({ batchItemFailures: call === 1 ? [{ itemIdentifier: event.Records[0]?.messageId }] : [] }));

    // Act
    await send('first');
    await send('second');
    deliver(emulator, lambda.invoke);
    await until(() => lambda.calls.length === 2 && emulator.messages(queueName).length === 0);

    // Assess
    expect(lambda.calls.map((call) => call.event.Records.map((record) => `${record.body} x${record.attributes.ApproximateReceiveCount}`))).toEqual([['first x1', 'second x1'], ['first x2']]);
  });

  test('after maxReceiveCount failed receives the message goes to the dead-letter store, as one SQS event', async () => {
    // Prepare
    const { emulator, send } = await start();
    const lambda = recordingLambda(() => functionError('SNS unavailable'));
    const letters = deliver(emulator, lambda.invoke);

    // Act
    const sent = await send('doomed');
    await until(() => letters.length === 1);

    // Assess
    expect(lambda.calls).toHaveLength(3);
    expect(emulator.messages(queueName)).toEqual([]);
    expect(letters[0]).toMatchObject({ source: 'sqs', consumer: 'users.sweepDeletedAccount', condition: 'RetriesExhausted', identity: sent.MessageId, attempts: 3, error: { message: 'SNS unavailable' } });
    expect((letters[0]?.event as SQSEvent).Records.map((record) => record.body)).toEqual(['doomed']);
  });

  test('a function that cannot be reached does not use up receives', async () => {
    // Prepare
    const { emulator, send } = await start();
    const lambda = recordingLambda((_event, call) => (call <= 5 ? unreachable() : ok({ batchItemFailures: [] })));
    const letters = deliver(emulator, lambda.invoke);

    // Act
    await send('patient');
    await until(() => emulator.messages(queueName).length === 0);

    // Assess
    expect(lambda.calls).toHaveLength(6);
    expect(lambda.calls[5]?.event.Records[0]?.attributes.ApproximateReceiveCount).toBe('1');
    expect(letters).toEqual([]);
  });

  test('messages not yet delivered are kept across a restart', async () => {
    // Prepare
    const first = await start(60);
    await first.send('survives');
    await first.emulator.close();
    running.splice(0);

    // Act
    const second = await start(60);

    // Assess
    expect(second.emulator.messages(queueName)).toEqual([expect.objectContaining({ body: 'survives', receiveCount: 0 })]);
  });

  test('GetQueueUrl finds a declared queue; an unknown one is QueueDoesNotExist', async () => {
    // Prepare
    const { client, emulator } = await start();

    // Act
    const found = await client.send(new GetQueueUrlCommand({ QueueName: queueName }));
    const missing = client.send(new SendMessageCommand({ QueueUrl: `http://127.0.0.1:${emulator.port}/000000000000/no-such-queue`, MessageBody: 'x' }));

    // Assess
    expect(found.QueueUrl).toBe(`http://127.0.0.1:${emulator.port}/000000000000/${queueName}`);
    await expect(missing).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });
});
