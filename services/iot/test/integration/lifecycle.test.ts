// The end of a thing, through the gateway, a real MQTT client against the test platform's IoT twin and the
// platform's own tables in DynamoDB Local: DELETE /things/{thingId} and DELETE /users/me cut the device off, refuse
// its credentials and, through the things table's stream (and the user-events consumer), purge its telemetry,
// while another user's thing and telemetry stay as they were.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { api } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { keys, ownerIndex } from '../../src/adapters/keys';
import { resolutions } from '../../src/domain/resolutions';

jest.setTimeout(120_000);

interface Credentials {
  clientId: string;
  username: string;
  password: string;
  topics: { telemetry: string; reported: string; desired: string };
}
interface ThingBody {
  thingId: string;
  latest: Record<string, { value: number; at: string }>;
}

/** The iot service's tables in the local stage (`${self:service}-${sls:stage}-<table>`). */
const tables = { things: 'photonotes-iot-local-things', telemetry: 'photonotes-iot-local-telemetry' };
const metrics = ['temp', 'hum'];
/** The asynchronous pipelines (stream poller, SNS, consumers) on a loaded machine: generous, polled. */
const pipelineMs = 45_000;

const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const db = DynamoDBDocumentClient.from(raw);

const brokerUrl = () => `mqtt://127.0.0.1:${process.env.MQTT_PORT ?? '1883'}`;
const clients: MqttClient[] = [];

async function connect(credentials: Pick<Credentials, 'clientId' | 'username' | 'password'>): Promise<MqttClient> {
  const client = await connectAsync(brokerUrl(), { clientId: credentials.clientId, username: credentials.username, password: credentials.password, reconnectPeriod: 0, connectTimeout: 10_000 });
  clients.push(client);
  return client;
}

/** Whether the broker refuses these credentials now (a connection that gets through is closed again). */
async function refused(credentials: Credentials): Promise<boolean> {
  try {
    const client = await connect(credentials);
    await client.endAsync(true);
    return false;
  } catch {
    return true;
  }
}

/** Resolves true once the client's connection closes, false if it is still open after `timeoutMs`. */
function closedWithin(client: MqttClient, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function register(user: TestUser, name = 'Thermostat'): Promise<{ thingId: string; credentials: Credentials }> {
  const response = await api<{ thing: { thingId: string }; credentials: Credentials }>('/things', { method: 'POST', token: user.accessToken, body: { name } });
  expect(response.status).toBe(201);
  return { thingId: response.body.thing.thingId, credentials: response.body.credentials };
}

const getThing = (user: TestUser, thingId: string) => api<ThingBody>(`/things/${thingId}`, { token: user.accessToken });

/** A connected device that sent three readings of each metric, once all of them are stored (rule invocations run concurrently). */
async function reportingDevice(user: TestUser, name?: string): Promise<{ thingId: string; credentials: Credentials; device: MqttClient }> {
  const { thingId, credentials } = await register(user, name);
  const device = await connect(credentials);
  const base = Date.now() - 10 * 60_000;
  for (let minute = 0; minute < 3; minute++) {
    await device.publishAsync(credentials.topics.telemetry, JSON.stringify({ ts: base + minute * 60_000, metrics: { temp: 20 + minute, hum: 40 + minute } }), { qos: 1 });
  }
  const stored = await eventually(() => storedOf(thingId), ({ series }) => metrics.every((metric) => series[`${metric}#raw`] === 3), pipelineMs);
  expect(stored.series).toMatchObject({ 'temp#raw': 3, 'hum#raw': 3 });
  const latest = await getThing(user, thingId);
  expect(latest.body.latest).toMatchObject({ temp: { value: 22 }, hum: { value: 42 } });
  return { thingId, credentials, device };
}

async function count(table: string, pk: string): Promise<number> {
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Select: 'COUNT', ExclusiveStartKey: startKey, ConsistentRead: true }));
    total += out.Count ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return total;
}

/** What is stored of a thing, read straight from the tables: each series partition, and the thing's own partition. */
async function storedOf(thingId: string): Promise<{ series: Record<string, number>; thingPartition: number }> {
  const series: Record<string, number> = {};
  for (const metric of metrics) {
    for (const level of resolutions) series[`${metric}#${level}`] = await count(tables.telemetry, keys.seriesPartition(thingId, metric, level));
  }
  return { series, thingPartition: await count(tables.things, keys.thingPartition(thingId)) };
}

const nothingLeft = (stored: Awaited<ReturnType<typeof storedOf>>) => stored.thingPartition === 0 && Object.values(stored.series).every((items) => items === 0);

async function ownedThingRecords(ownerId: string): Promise<number> {
  const out = await db.send(new QueryCommand({ TableName: tables.things, IndexName: ownerIndex, KeyConditionExpression: 'gsi1pk = :owner', ExpressionAttributeValues: { ':owner': keys.ownerThings(ownerId) }, Select: 'COUNT' }));
  return out.Count ?? 0;
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  db.destroy();
});

describe('DELETE /things/{thingId}', () => {
  test('cuts the live connection, refuses the old credentials, answers 404, and purges the telemetry', async () => {
    // Prepare
    const alice = await createTestUser('iot-delete');
    const { thingId, credentials, device } = await reportingDevice(alice);
    const before = await storedOf(thingId);
    const closed = closedWithin(device, 10_000);

    // Act
    const response = await api(`/things/${thingId}`, { method: 'DELETE', token: alice.accessToken });

    // Assess
    expect(response.status).toBe(204);
    expect(await closed).toBe(true);
    expect(await refused(credentials)).toBe(true);
    expect((await getThing(alice, thingId)).status).toBe(404);
    expect(before.series).toMatchObject({ 'temp#raw': 3, 'hum#raw': 3, 'temp#1m': 3, 'temp#1h': expect.any(Number), 'temp#1d': expect.any(Number) });
    expect(before.thingPartition).toBeGreaterThan(0);
    const after = await eventually(() => storedOf(thingId), nothingLeft, pipelineMs);
    expect(after).toEqual({ series: Object.fromEntries(Object.keys(before.series).map((series) => [series, 0])), thingPartition: 0 });
  });
});

describe('DELETE /users/me', () => {
  test("removes every thing of the account, cuts its device off and purges its telemetry; another user's stay", async () => {
    // Prepare
    const [leaving, staying] = await Promise.all([createTestUser('iot-leaving'), createTestUser('iot-staying')]);
    const connected = await reportingDevice(leaving, 'Connected');
    const { device: quiet, ...offline } = await reportingDevice(leaving, 'Offline');
    await quiet.endAsync();
    const kept = await reportingDevice(staying, 'Kept');
    const keptBefore = await storedOf(kept.thingId);
    const leavingBefore = await Promise.all([storedOf(connected.thingId), storedOf(offline.thingId)]);
    const closed = closedWithin(connected.device, pipelineMs);

    // Act
    const response = await api('/users/me', { method: 'DELETE', token: leaving.accessToken });

    // Assess
    expect(response.status).toBe(204);
    expect(await closed).toBe(true);
    for (const { credentials } of [connected, offline]) {
      expect(await eventually(() => refused(credentials), (isRefused) => isRefused, pipelineMs)).toBe(true);
    }
    expect(await eventually(() => ownedThingRecords(leaving.userId), (things) => things === 0, pipelineMs)).toBe(0);
    expect(leavingBefore.every((stored) => !nothingLeft(stored))).toBe(true);
    for (const thingId of [connected.thingId, offline.thingId]) {
      expect(nothingLeft(await eventually(() => storedOf(thingId), nothingLeft, pipelineMs))).toBe(true);
    }
    // The other user's thing: the same records and readings, its device still connected and its data served.
    expect(await storedOf(kept.thingId)).toEqual(keptBefore);
    expect(kept.device.connected).toBe(true);
    const keptThing = await getThing(staying, kept.thingId);
    expect(keptThing.status).toBe(200);
    expect(keptThing.body.latest).toMatchObject({ temp: { value: 22 }, hum: { value: 42 } });
    expect(await ownedThingRecords(staying.userId)).toBe(1);
  });
});
