// Failures are kept, locally as deployed: a consumer that still fails after AWS's retries leaves a dead
// letter in the platform's store (in the platform's data directory), and `npm run redrive`'s replay sends
// it to the function again once the cause is fixed, exactly once.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deadLetterDir } from '../../scripts/platform/delivery';
import { loadConsumers } from '../../scripts/platform/delivery/consumers';
import { DeadLetterStore, type DeadLetter } from '../../scripts/platform/delivery/dead-letters';
import { localLambdaInvoker, type Invoke } from '../../scripts/platform/delivery/lambda-invoke';
import { redriveLocal } from '../../scripts/platform/delivery/redrive-local';
import { loadServiceDefinitions } from '../../scripts/platform/service-definitions';
import { solidPng } from '../../services/thumbnails/test/support/images';
import { api } from '../support/api';
import { randomUUID } from 'node:crypto';
import { publishRawEvent } from '../support/events';
import { eventually } from '../support/eventually';
import { createTestUser } from '../support/users';

jest.setTimeout(60_000);

const dataDir = process.env.TEST_PLATFORM_DATA_DIR as string;
const store = new DeadLetterStore(deadLetterDir(dataDir));
const services = loadServiceDefinitions();
const consumers = loadConsumers(services);
const lambda = localLambdaInvoker(services);
const invocations: string[] = [];
const countingInvoke: Invoke = (functionName, event) => {
  invocations.push(functionName);
  return lambda.invoke(functionName, event);
};

afterAll(() => lambda.destroy());

async function letterOf(consumer: string, matches: (letter: DeadLetter) => boolean): Promise<DeadLetter | undefined> {
  const found = await eventually(
    async () => (await store.list()).find((letter) => letter.consumer === consumer && matches(letter)),
    (letter) => letter !== undefined,
    30_000,
  );
  return found;
}

describe('an S3-triggered consumer that keeps failing', () => {
  it('is retried twice, dead-lettered with its event, and processed by a redrive once the cause is fixed, once', async () => {
    // Prepare: a user whose thumbnails cannot be written (a file stands where their folder must go).
    const user = await createTestUser('failures');
    const blocker = path.join(dataDir, 's3', 'photonotes-local-media', 'thumbs', user.userId);
    mkdirSync(path.dirname(blocker), { recursive: true });
    writeFileSync(blocker, 'not a folder');
    const image = await solidPng(64, 48);
    const ticket = await api<{ key: string; uploadUrl: string; headers: Record<string, string> }>('/media/uploads', {
      method: 'POST',
      token: user.accessToken,
      body: { contentType: 'image/png', size: image.byteLength },
    });
    expect(ticket.status).toBe(201);

    // Act: the app uploads with its presigned URL; processing fails on every attempt.
    const put = await fetch(ticket.body.uploadUrl, { method: 'PUT', headers: ticket.body.headers, body: image });
    expect(put.status).toBe(200);
    const letter = await letterOf('thumbnails.processUpload', (l) => l.summary.includes(ticket.body.key));

    // Assess: kept with the event S3 sent, after the first attempt and both retries.
    expect(letter).toMatchObject({ source: 's3', status: 'pending', condition: 'RetriesExhausted', attempts: 3, functionName: 'photonotes-thumbnails-local-processUpload' });
    const records = (letter?.event as { Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string } } }> }).Records;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'photonotes-local-media' }, object: { key: ticket.body.key } } });
    const pending = await api<{ status: string }>(`/media/${ticket.body.key}`, { token: user.accessToken });
    expect(pending.body.status).toBe('pending');

    // Act: fix the storage, then redrive that letter.
    rmSync(blocker);
    const [result] = await redriveLocal({ store, invoke: countingInvoke, consumers, ids: [letter?.id as string] });

    // Assess: replayed, marked done, and the upload is processed.
    expect(result).toMatchObject({ id: letter?.id, outcome: 'redriven' });
    expect(await store.get(letter?.id as string)).toMatchObject({ status: 'redriven', redrives: [{ ok: true }] });
    const processed = await eventually(
      () => api<{ status: string }>(`/media/${ticket.body.key}`, { token: user.accessToken }),
      (res) => res.body.status !== 'pending',
    );
    expect(processed.body.status).toBe('ready');

    // Act + Assess: a second redrive of it replays nothing.
    invocations.length = 0;
    const [again] = await redriveLocal({ store, invoke: countingInvoke, consumers, ids: [letter?.id as string] });
    expect(again).toMatchObject({ outcome: 'skipped' });
    expect(invocations).toEqual([]);
  });
});

describe('an SNS consumer that keeps failing', () => {
  it('gets the SNS event through its filter policy, is retried twice and dead-lettered; a failed redrive leaves it pending', async () => {
    // Prepare: an event the media.processed contract refuses (a key over its 1024 characters, as a broken producer
    // might send): the consumer fails it rather than drop it.
    const key = `uploads/${'x'.repeat(3000)}.png`;
    const envelope = { id: randomUUID(), type: 'media.processed', version: 1, source: 'tests', occurredAt: new Date().toISOString(), data: { key, ownerId: 'nobody', status: 'failed', thumbnails: null } };

    // Act
    const messageId = await publishRawEvent('media-events', 'media.processed', envelope);
    const letter = await letterOf('core-api.mediaEvents', (l) => JSON.stringify(l.event).includes(messageId));

    // Assess: the event is the one SNS gives a subscribed function, and it failed three times.
    expect(letter).toMatchObject({ source: 'sns', status: 'pending', condition: 'RetriesExhausted', attempts: 3 });
    const [record] = (letter?.event as { Records: Array<{ EventSource: string; Sns: { TopicArn: string; Message: string; MessageAttributes: unknown } }> }).Records;
    expect(record).toMatchObject({
      EventSource: 'aws:sns',
      Sns: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:photonotes-local-media-events', MessageAttributes: { type: { Type: 'String', Value: 'media.processed' } } },
    });
    expect(JSON.parse(record?.Sns.Message ?? '{}')).toMatchObject({ id: messageId, type: 'media.processed', data: { key } });

    // Act: the cause is still there.
    const [result] = await redriveLocal({ store, invoke: countingInvoke, consumers, ids: [letter?.id as string] });

    // Assess
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(await store.get(letter?.id as string)).toMatchObject({ status: 'pending', redrives: [{ ok: false }] });
  });
});
