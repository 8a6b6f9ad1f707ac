// The things contract end to end through the gateway and a real MQTT client against the test platform's IoT
// twin: registration and credentials, device authorization, telemetry, desired/reported state, presence,
// alerts into the owner's inbox, rotation and deletion cutting live connections, account deletion.
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { api } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';

jest.setTimeout(90_000);

interface Credentials {
  mqttUrl: string;
  clientId: string;
  username: string;
  password: string;
  topics: { telemetry: string; reported: string; desired: string };
}
interface ThingBody {
  thingId: string;
  online: boolean;
  state: { desired: Record<string, unknown>; reported: Record<string, unknown>; delta: Record<string, unknown>; version: number };
  latest: Record<string, { value: number; at: string }>;
}

const brokerUrl = () => `mqtt://127.0.0.1:${process.env.MQTT_PORT ?? '1883'}`;
const clients: MqttClient[] = [];

async function connect(credentials: Pick<Credentials, 'clientId' | 'username' | 'password'>): Promise<MqttClient> {
  const client = await connectAsync(brokerUrl(), { clientId: credentials.clientId, username: credentials.username, password: credentials.password, reconnectPeriod: 0, connectTimeout: 10_000 });
  clients.push(client);
  return client;
}

async function register(user: TestUser, name = 'Thermostat'): Promise<{ thingId: string; credentials: Credentials }> {
  const response = await api<{ thing: { thingId: string }; credentials: Credentials }>('/things', { method: 'POST', token: user.accessToken, body: { name } });
  expect(response.status).toBe(201);
  return { thingId: response.body.thing.thingId, credentials: response.body.credentials };
}

const getThing = (user: TestUser, thingId: string) => api<ThingBody>(`/things/${thingId}`, { token: user.accessToken });

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
});

describe('things over the IoT twin', () => {
  let alice: TestUser;
  beforeAll(async () => {
    alice = await createTestUser('iot');
  });

  test('registration issues credentials a device connects with; wrong ones are refused', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice);

    // Act
    const device = await connect(credentials);
    const refused = connect({ ...credentials, password: `${credentials.password}x` });

    // Assess
    expect(credentials.clientId).toBe(thingId);
    expect(credentials.topics.telemetry).toBe(`things/${thingId}/telemetry`);
    expect(device.connected).toBe(true);
    await expect(refused).rejects.toThrow();
    const thing = await eventually(() => getThing(alice, thingId), (response) => response.body.online === true);
    expect(thing.body.online).toBe(true);
  });

  test("a device may not subscribe to another thing's topics", async () => {
    // Prepare
    const first = await register(alice, 'First');
    const second = await register(alice, 'Second');
    const device = await connect(first.credentials);

    // Act: mqtt.js rejects a subscription whose SUBACK carries the failure code.
    const refusal = await device.subscribeAsync(second.credentials.topics.desired, { qos: 1 }).then(
      (granted) => granted.map((grant) => grant.qos),
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted ?? [],
    );

    // Assess
    expect(refusal).toEqual([128]);
  });

  test('telemetry under QoS 1 is stored once; a malformed message does not stall later ones', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice);
    const device = await connect(credentials);
    const ts = Date.now() - 60_000;

    // Act
    await device.publishAsync(credentials.topics.telemetry, JSON.stringify({ ts, metrics: { temp: 20.5 } }), { qos: 1 });
    await device.publishAsync(credentials.topics.telemetry, JSON.stringify({ ts, metrics: { temp: 20.5 } }), { qos: 1 });
    await device.publishAsync(credentials.topics.telemetry, 'not json', { qos: 1 });
    await device.publishAsync(credentials.topics.telemetry, JSON.stringify({ ts: ts + 1000, metrics: { temp: 21.5 } }), { qos: 1 });

    // Assess
    const read = () => api<{ items: Array<{ at: string; value: number }> }>(`/things/${thingId}/telemetry?metric=temp&resolution=raw`, { token: alice.accessToken });
    const page = await eventually(read, (response) => response.body.items?.length === 2, 20_000);
    expect(page.body.items.map((item) => item.value)).toEqual([20.5, 21.5]);
  });

  test('desired state reaches the device retained; its report empties the delta', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice);
    const put = await api<ThingBody['state']>(`/things/${thingId}/state/desired`, { method: 'PUT', token: alice.accessToken, body: { desired: { targetTemp: 21 } } });
    expect(put.status).toBe(200);
    const device = await connect(credentials);
    const received = new Promise<{ version: number; desired: Record<string, unknown> }>((resolve) => {
      device.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()) as { version: number; desired: Record<string, unknown> }));
    });

    // Act
    await device.subscribeAsync(credentials.topics.desired, { qos: 1 });
    const message = await received;
    await device.publishAsync(credentials.topics.reported, JSON.stringify({ reported: { targetTemp: 21 } }), { qos: 1 });

    // Assess
    expect(message.desired).toEqual({ targetTemp: 21 });
    const thing = await eventually(() => getThing(alice, thingId), (response) => response.body.state?.reported?.targetTemp === 21);
    expect(thing.body.state.delta).toEqual({});
    expect(thing.body.state.version).toBe(2);
  });

  test("an alert fires once into the owner's inbox", async () => {
    // Prepare
    const { thingId, credentials } = await register(alice);
    const rules = await api<{ rules: Array<{ id: string }> }>(`/things/${thingId}/alerts`, { method: 'PUT', token: alice.accessToken, body: { rules: [{ metric: 'temp', op: 'gt', threshold: 30 }] } });
    expect(rules.status).toBe(200);
    const device = await connect(credentials);
    const base = Date.now() - 30_000;

    // Act: the second reading goes out once the first is stored (rule invocations run concurrently, as on AWS,
    // so two messages sent back to back may be judged in either order).
    await device.publishAsync(credentials.topics.telemetry, JSON.stringify({ ts: base, metrics: { temp: 31 } }), { qos: 1 });
    await eventually(() => getThing(alice, thingId), (response) => response.body.latest?.temp?.value === 31, 20_000);
    await device.publishAsync(credentials.topics.telemetry, JSON.stringify({ ts: base + 1000, metrics: { temp: 32 } }), { qos: 1 });
    await eventually(() => getThing(alice, thingId), (response) => response.body.latest?.temp?.value === 32, 20_000);

    // Assess
    type Inbox = { items: Array<{ type: string; data: Record<string, unknown> }> };
    const alerts = (response: { body: Inbox }) => (response.body.items ?? []).filter((item) => item.type === 'thing.alert' && item.data.thingId === thingId);
    const inbox = await eventually(() => api<Inbox>('/notifications', { token: alice.accessToken }), (response) => alerts(response).length > 0, 20_000);
    expect(alerts(inbox)).toHaveLength(1);
    expect(alerts(inbox)[0]?.data).toMatchObject({ thingId, ruleId: rules.body.rules[0]?.id, metric: 'temp', value: 31 });
  });

  test('rotating credentials cuts the live connection and the old password stops working', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice);
    const device = await connect(credentials);
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));

    // Act
    const rotated = await api<{ credentials: Credentials }>(`/things/${thingId}/credentials`, { method: 'POST', token: alice.accessToken });

    // Assess
    expect(rotated.status).toBe(201);
    await closed;
    await expect(connect(credentials)).rejects.toThrow();
    const fresh = await connect(rotated.body.credentials);
    expect(fresh.connected).toBe(true);
  });

  test("another user's thing is a 404", async () => {
    // Prepare
    const { thingId } = await register(alice);
    const bob = await createTestUser('iot-other');

    // Act
    const response = await getThing(bob, thingId);

    // Assess
    expect(response.status).toBe(404);
  });
});
