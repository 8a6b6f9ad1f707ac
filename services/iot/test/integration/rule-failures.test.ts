// A topic rule's target that keeps failing, on the test platform: the IoT twin retries the device's message as
// Lambda retries an asynchronous invocation, then keeps it in the platform's dead-letter store (where the
// SNS, S3 and stream consumers' letters are), and `npm run redrive`'s replay applies it once the cause is fixed.
// The cause is storage a thing cannot be read from: reportState drops bad input, it fails only when storage does.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { deadLetterDir } from '../../../../scripts/platform/delivery';
import { loadConsumers } from '../../../../scripts/platform/delivery/consumers';
import { DeadLetterStore } from '../../../../scripts/platform/delivery/dead-letters';
import { localLambdaInvoker } from '../../../../scripts/platform/delivery/lambda-invoke';
import { redriveLocal } from '../../../../scripts/platform/delivery/redrive-local';
import { loadServiceDefinitions } from '../../../../scripts/platform/service-definitions';
import { api } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import { entities, keys } from '../../src/adapters/keys';

jest.setTimeout(90_000);

interface Credentials {
  clientId: string;
  username: string;
  password: string;
  topics: { reported: string };
}
interface ThingBody {
  state: { reported: Record<string, unknown>; version: number };
}

const thingsTable = 'photonotes-iot-local-things';
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);
const store = new DeadLetterStore(deadLetterDir(process.env.TEST_PLATFORM_DATA_DIR as string));
const services = loadServiceDefinitions();
const lambda = localLambdaInvoker(services);
let device: MqttClient | undefined;

afterAll(async () => {
  await device?.endAsync(true).catch(() => undefined);
  lambda.destroy();
  db.destroy();
});

describe('a topic rule target that keeps failing', () => {
  it('is retried twice, dead-lettered with the event the rule gave it, and applied by a redrive once the cause is fixed, once', async () => {
    // Prepare: a registered thing whose state record cannot be read (its reported document is not JSON).
    const user = await createTestUser('iot-failures');
    const created = await api<{ thing: { thingId: string }; credentials: Credentials }>('/things', { method: 'POST', token: user.accessToken, body: { name: 'Boiler' } });
    expect(created.status).toBe(201);
    const { thingId } = created.body.thing;
    const { credentials } = created.body;
    const stateKey = keys.state(thingId);
    await db.send(new PutCommand({ TableName: thingsTable, Item: { ...stateKey, entity: entities.state, thingId, desiredJson: '{}', reportedJson: '{"mode":', version: 1 } }));
    device = await connectAsync(`mqtt://127.0.0.1:${process.env.MQTT_PORT ?? '1883'}`, { clientId: credentials.clientId, username: credentials.username, password: credentials.password, reconnectPeriod: 0 });
    const report = JSON.stringify({ reported: { mode: 'eco' } });

    // Act: the device reports its state; reportState fails on every attempt.
    await device.publishAsync(credentials.topics.reported, report, { qos: 1 });
    const letter = await eventually(
      async () => (await store.list()).find((l) => l.consumer === 'iot.reportState' && (l.event as { thingId?: string }).thingId === thingId),
      (found) => found !== undefined,
      30_000,
    );

    // Assess: kept where the other consumers' letters are, after the first attempt and both retries, with the
    // rule's projection as the function got it (the payload as base64, the thing from the topic, the broker's time).
    expect(letter).toMatchObject({
      id: expect.stringMatching(/^iot-[0-9a-f]{16}$/),
      source: 'iot',
      functionName: 'photonotes-iot-local-reportState',
      status: 'pending',
      condition: 'RetriesExhausted',
      attempts: 3,
      summary: `message on things/${thingId}/state/reported (topic rule ReportStateIotTopicRule1)`,
      error: { type: expect.any(String), message: expect.stringContaining('JSON') },
      event: { payload: Buffer.from(report).toString('base64'), thingId, receivedAt: expect.any(Number) },
    });

    // Act: repair the state record (remove it), then redrive that letter, twice.
    await db.send(new DeleteCommand({ TableName: thingsTable, Key: stateKey }));
    const consumers = loadConsumers(services);
    const [result] = await redriveLocal({ store, invoke: lambda.invoke, consumers, ids: [letter?.id as string] });
    const [again] = await redriveLocal({ store, invoke: lambda.invoke, consumers, ids: [letter?.id as string] });

    // Assess: the report is applied once, and the letter is done.
    expect(result).toMatchObject({ id: letter?.id, consumer: 'iot.reportState', outcome: 'redriven' });
    expect(again).toMatchObject({ outcome: 'skipped' });
    expect(await store.get(letter?.id as string)).toMatchObject({ status: 'redriven', redrives: [{ ok: true }] });
    const thing = await api<ThingBody>(`/things/${thingId}`, { token: user.accessToken });
    expect(thing.status).toBe(200);
    expect(thing.body.state).toMatchObject({ reported: { mode: 'eco' }, version: 1 });
  });
});
