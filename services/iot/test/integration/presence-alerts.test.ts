// Presence and alerts end to end over the IoT twin. Presence: online on connect; offline on a clean
// DISCONNECT, on a connection lost without one, and when a silent device misses 1.5 × its keep-alive, while a
// device that keeps pinging stays; a reconnect that kicks the old connection ends online. Alerts: one inbox item per run of readings over the threshold, re-armed by
// a reading back under it; a rule with forSeconds fires only once its condition has held that long, judged on
// the readings' ts. Readings of an alert run go out one at a time, each once the previous one is stored: rule
// invocations run concurrently (as on AWS), so messages sent back to back may be judged in either order.
import { api } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { consistently } from '../support/consistently';
import { connectSilently } from '../support/silent-device';
import type { SilentDevice } from '../support/silent-device';
import type { InboxItem, RawItem } from '../support/things-client';
import { alertsOf, brokerUrl, closeDevices, closed, connect, deviceTimeoutMs, getThing, publishStored, readTelemetry, register, telemetryPayload } from '../support/things-client';

jest.setTimeout(120_000);

const iso = (ms: number) => new Date(ms).toISOString();
const silentDevices: SilentDevice[] = [];

afterAll(async () => {
  for (const device of silentDevices) device.socket.destroy();
  await closeDevices();
});

describe('presence over the IoT twin', () => {
  let alice: TestUser;
  beforeAll(async () => {
    alice = await createTestUser('iot-presence');
  });

  const onlineIs = (thingId: string, online: boolean) =>
    eventually(
      () => getThing(alice, thingId),
      (response) => response.body.online === online,
      deviceTimeoutMs,
    );

  test('online once connected; offline after a clean disconnect', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice, 'Clean');
    const before = await getThing(alice, thingId);
    const connectedAfter = Date.now();

    // Act
    const device = await connect(credentials);
    const online = await onlineIs(thingId, true);
    await device.endAsync();
    const offline = await onlineIs(thingId, false);

    // Assess
    expect(before.body).toMatchObject({ online: false, lastSeenAt: null });
    expect(online.body.online).toBe(true);
    expect(Date.parse(online.body.lastSeenAt ?? '')).toBeGreaterThanOrEqual(connectedAfter - 1000);
    expect(offline.body.online).toBe(false);
    expect(offline.body.lastSeenAt).toBe(online.body.lastSeenAt);
  });

  test('offline when the connection is lost without a DISCONNECT', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice, 'Unplugged');
    const device = await connect(credentials);
    const online = await onlineIs(thingId, true);

    // Act: the TCP connection ends with no DISCONNECT packet (a device losing power or network).
    device.stream.destroy();
    const offline = await onlineIs(thingId, false);

    // Assess
    expect(online.body.online).toBe(true);
    expect(offline.body.online).toBe(false);
  });

  test('a device that reconnects while its old connection is still open ends online; its last disconnect takes it offline', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice, 'Reconnecting');
    const old = await connect(credentials);
    await onlineIs(thingId, true);
    const oldGone = closed(old);

    // Act: the same client id connects again; the broker drops the old connection (DUPLICATE_CLIENTID).
    const reconnectAt = Date.now();
    const fresh = await connect(credentials);
    await oldGone;
    // The two lifecycle events may be applied in either order (a moment offline is allowed); it must end online.
    // Online alone may still be the old session before either event is applied: wait for the new connection.
    await eventually(() => getThing(alice, thingId), (response) => response.body.online === true && Date.parse(response.body.lastSeenAt ?? '') >= reconnectAt);
    const meanwhile = await consistently(() => getThing(alice, thingId), (response) => response.body.online === true, 3000);
    await fresh.endAsync();
    const offline = await onlineIs(thingId, false);

    // Assess: the old session's disconnect, whenever applied, did not leave the thing offline.
    expect(old.connected).toBe(false);
    expect(meanwhile.body.online).toBe(true);
    expect(offline.body.online).toBe(false);
  });

  test('a silent device is dropped after 1.5 × its keep-alive and shows offline; one that keeps pinging stays online', async () => {
    // Prepare
    const keepAliveSeconds = 2;
    const silent = await register(alice, 'Silent');
    const pinging = await register(alice, 'Pinging');
    const chatty = await connect(pinging.credentials, { keepalive: keepAliveSeconds });

    // Act
    const device = await connectSilently(brokerUrl(), silent.credentials, keepAliveSeconds);
    silentDevices.push(device);
    const limitMs = 1.5 * keepAliveSeconds * 1000;
    const closedAt = await Promise.race([device.closedAt, new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), limitMs + 10_000))]);
    // Offline after having been seen: the connect is recorded (lastSeenAt), so this is not the state before it.
    const offline = await eventually(
      () => getThing(alice, silent.thingId),
      (response) => response.body.online === false && response.body.lastSeenAt !== null,
      deviceTimeoutMs,
    );

    // Assess: the broker, not the device, ended the connection, after 1.5 × keep-alive without a packet.
    expect(closedAt - device.connectedAt).toBeGreaterThanOrEqual(limitMs - 50);
    expect(closedAt - device.connectedAt).toBeLessThan(limitMs + 3000);
    expect(offline.body.online).toBe(false);
    expect(Date.parse(offline.body.lastSeenAt ?? '')).toBeGreaterThanOrEqual(device.connectedAt - 1000);
    expect(chatty.connected).toBe(true);
    expect((await onlineIs(pinging.thingId, true)).body.online).toBe(true);
  });
});

describe('alerts over the IoT twin', () => {
  let alice: TestUser;
  beforeAll(async () => {
    alice = await createTestUser('iot-alerts');
  });

  async function thingWithRule(rule: Record<string, unknown>) {
    const thing = await register(alice, 'Greenhouse');
    const put = await api<{ rules: Array<{ id: string }> }>(`/things/${thing.thingId}/alerts`, { method: 'PUT', token: alice.accessToken, body: { rules: [rule] } });
    expect(put.status).toBe(200);
    return { ...thing, ruleId: put.body.rules[0]?.id as string, device: await connect(thing.credentials) };
  }

  /** Waits for `count` alerts of the thing, then watches a little longer that no other one arrives. */
  async function settledAlerts(thingId: string, count: number): Promise<InboxItem[]> {
    await eventually(() => alertsOf(alice, thingId), (alerts) => alerts.length >= count, deviceTimeoutMs);
    return consistently(() => alertsOf(alice, thingId), (alerts) => alerts.length === count, 3000);
  }

  test('one alert per run over the threshold; a reading back under re-arms it, and the next crossing fires again', async () => {
    // Prepare
    const { thingId, credentials, ruleId, device } = await thingWithRule({ metric: 'temp', op: 'gt', threshold: 30 });
    const t0 = Date.now() - 10 * 60_000;
    const readings: Array<[offsetSeconds: number, value: number]> = [
      [0, 31],
      [10, 35],
      [20, 32],
      // Not over (gt 30): re-arms.
      [30, 30],
      [40, 33],
      [50, 34],
    ];

    // Act
    for (const [offset, value] of readings) await publishStored(alice, device, credentials, t0 + offset * 1000, 'temp', value);
    // A redelivery of the re-arming reading and a late reading under the threshold: readings are judged in ts
    // order and once, so neither re-arms the rule, and the next reading over it does not fire a third time.
    await device.publishAsync(credentials.topics.telemetry, telemetryPayload(t0 + 30_000, { temp: 30 }), { qos: 1 });
    await device.publishAsync(credentials.topics.telemetry, telemetryPayload(t0 + 45_000, { temp: 20 }), { qos: 1 });
    await eventually(() => readTelemetry<RawItem>(alice, thingId, { metric: 'temp', resolution: 'raw', from: t0 + 45_000, to: t0 + 45_001 }), (page) => page.body.items?.length === 1, deviceTimeoutMs);
    await publishStored(alice, device, credentials, t0 + 60_000, 'temp', 36);

    // Assess
    const alerts = await settledAlerts(thingId, 2);
    expect(alerts.map((alert) => alert.data)).toEqual([
      { thingId, ruleId, metric: 'temp', value: 31, at: iso(t0) },
      { thingId, ruleId, metric: 'temp', value: 33, at: iso(t0 + 40_000) },
    ]);
  });

  test('a rule with forSeconds fires once its condition has held that long by reading time, not before', async () => {
    // Prepare
    const { thingId, credentials, ruleId, device } = await thingWithRule({ metric: 'temp', op: 'gte', threshold: 30, forSeconds: 60 });
    const t0 = Date.now() - 10 * 60_000;
    const readings: Array<[offsetSeconds: number, value: number]> = [
      [0, 31],
      [30, 32],
      // A run of 30 s, broken before it lasted 60 s.
      [40, 29],
      // A new run from 50 s (30 meets gte): 50 s long at 100 s, 60 s at 110 s.
      [50, 30],
      [100, 33],
      [110, 34],
      [120, 35],
    ];

    // Act
    for (const [offset, value] of readings) await publishStored(alice, device, credentials, t0 + offset * 1000, 'temp', value);

    // Assess
    const alerts = await settledAlerts(thingId, 1);
    expect(alerts.map((alert) => alert.data)).toEqual([{ thingId, ruleId, metric: 'temp', value: 34, at: iso(t0 + 110_000) }]);
  });
});
