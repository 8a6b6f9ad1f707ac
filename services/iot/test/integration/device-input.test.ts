// Bad input from devices, end to end over the IoT twin: payloads that are not JSON, too large, with NaN,
// Infinity or strings as metrics, 500 metrics, timestamps far ahead or past the retention, publications to
// topics a device may not use, and a flood from one thing. Each is dropped (the service counts a dropped message
// as one `telemetry dropped` log line with its reason; the broker closes a connection for what AWS IoT Core
// refuses), nothing crashes, later valid readings are still stored, and another thing's data is never touched.
import type { ApiResponse } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { telemetryDrops } from '../support/platform-log';
import type { Credentials, RawItem, TelemetryPage, ThingBody } from '../support/things-client';
import { closeDevices, closed, connect, deviceTimeoutMs, getThing, publishStored, readTelemetry, register, telemetryPayload } from '../support/things-client';

jest.setTimeout(120_000);

const day = 86_400_000;
const hour = 3_600_000;

afterAll(closeDevices);

describe('bad input from devices', () => {
  let alice: TestUser;
  // Another thing of the same owner, connected throughout: nothing any test does may change what it shows.
  let bystander: { thingId: string; credentials: Credentials };
  let bystanderBefore: { thing: ThingBody; telemetry: TelemetryPage<RawItem> };

  const bystanderNow = async () => ({
    thing: (await getThing(alice, bystander.thingId)).body,
    telemetry: (await readTelemetry<RawItem>(alice, bystander.thingId, { metric: 'temp', resolution: 'raw', from: Date.now() - 2 * day, to: Date.now() + 2 * day })).body,
  });

  const rawOf = (thingId: string, metric = 'temp') => readTelemetry<RawItem>(alice, thingId, { metric, resolution: 'raw', from: Date.now() - 40 * day, to: Date.now() + 2 * day, limit: 1000 });

  beforeAll(async () => {
    alice = await createTestUser('iot-input');
    bystander = await register(alice, 'Bystander');
    const device = await connect(bystander.credentials);
    await publishStored(alice, device, bystander.credentials, Date.now() - 60_000, 'temp', 5.5);
    await device.publishAsync(bystander.credentials.topics.reported, JSON.stringify({ reported: { firmware: '1.0.0' } }), { qos: 1 });
    await eventually(() => getThing(alice, bystander.thingId), (response) => response.body.state?.reported?.firmware === '1.0.0', deviceTimeoutMs);
    bystanderBefore = await bystanderNow();
  });

  afterEach(async () => {
    // Assess (every test): the other thing is as it was.
    expect(await bystanderNow()).toEqual(bystanderBefore);
  });

  test('malformed, oversized and out-of-range messages are each dropped and counted; the next valid reading is stored', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice, 'Garbage');
    const device = await connect(credentials);
    const now = Date.now();
    const fiveHundred = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`m${index}`, index]));
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`m${index}`, index]));
    const bad: Array<[payload: string | Buffer, reason: string]> = [
      ['not json', 'not_json'],
      [Buffer.from([0xff, 0xfe, 0x00, 0x81]), 'not_json'],
      ['', 'not_json'],
      ['{"metrics":{"temp":NaN}}', 'not_json'],
      ['{"metrics":{"temp":Infinity}}', 'not_json'],
      ['{"metrics":{"temp":1e999}}', 'malformed'],
      ['{"metrics":{"temp":"21.5"}}', 'malformed'],
      ['{"metrics":{"temp":null}}', 'malformed'],
      [JSON.stringify({ ts: now - 5_000, metrics: { temp: 22, humidity: 'high' } }), 'malformed'],
      [JSON.stringify({ metrics: fiveHundred }), 'malformed'],
      [JSON.stringify({ metrics: { ...twenty, m20: 20 } }), 'malformed'],
      [JSON.stringify({ metrics: {} }), 'malformed'],
      ['[21.5]', 'malformed'],
      [JSON.stringify({ metrics: { 'Temp!': 1 } }), 'malformed'],
      [JSON.stringify({ ts: 'yesterday', metrics: { temp: 1 } }), 'malformed'],
      [telemetryPayload(now + 25 * hour, { temp: 23 }), 'too_far_in_future'],
      [JSON.stringify({ ts: '2999-01-01T00:00:00.000Z', metrics: { temp: 24 } }), 'too_far_in_future'],
      [telemetryPayload(now - 31 * day, { temp: 25 }), 'too_old'],
      // Over the contract's 16 KB, under the broker's 128 KB: the service drops it.
      [JSON.stringify({ ts: now - 4_000, metrics: { temp: 26 }, note: 'x'.repeat(20 * 1024) }), 'too_large'],
    ];

    // Act
    for (const [payload] of bad) await device.publishAsync(credentials.topics.telemetry, payload, { qos: 1 });
    const valid = { ts: now - 1_000, metrics: twenty };
    await device.publishAsync(credentials.topics.telemetry, JSON.stringify(valid), { qos: 1 });

    // Assess
    const expected = bad.map(([, reason]) => reason).sort();
    await eventually(async () => telemetryDrops(thingId), (drops) => drops.length >= expected.length, deviceTimeoutMs);
    const thing = await eventually(() => getThing(alice, thingId), (response) => Object.keys(response.body.latest ?? {}).length === 20, deviceTimeoutMs);
    expect(telemetryDrops(thingId)).toEqual(expected);
    expect(thing.body.latest).toEqual(Object.fromEntries(Object.entries(twenty).map(([name, value]) => [name, { value, at: new Date(valid.ts).toISOString() }])));
    expect((await rawOf(thingId)).body.items).toEqual([]);
    expect((await rawOf(thingId, 'humidity')).body.items).toEqual([]);
    expect(device.connected).toBe(true);
  });

  test('a 1 MB payload closes the connection as AWS IoT Core does (over 128 KB); nothing is stored and the device carries on', async () => {
    // Prepare
    const { thingId, credentials } = await register(alice, 'Megabyte');
    const device = await connect(credentials);
    const gone = closed(device);
    const huge = JSON.stringify({ ts: Date.now() - 5_000, metrics: { temp: 30 }, note: 'x'.repeat(1024 * 1024) });

    // Act
    await device.publishAsync(credentials.topics.telemetry, huge, { qos: 0 });
    await gone;
    const again = await connect(credentials);
    await publishStored(alice, again, credentials, Date.now() - 1_000, 'temp', 31);

    // Assess: the service never saw it (the broker refused it), and the later reading is the only one.
    expect(device.connected).toBe(false);
    expect((await rawOf(thingId)).body.items.map((item) => item.value)).toEqual([31]);
    expect(telemetryDrops(thingId)).toEqual([]);
  });

  test("publishing to an unknown topic or to another thing's topic closes the connection; nothing reaches the other thing", async () => {
    // Prepare
    const { thingId, credentials } = await register(alice, 'Trespasser');
    const first = await connect(credentials);
    const firstGone = closed(first);

    // Act
    await first.publishAsync(`things/${thingId}/whatever`, telemetryPayload(Date.now() - 5_000, { temp: 40 }), { qos: 0 });
    await firstGone;
    const second = await connect(credentials);
    const secondGone = closed(second);
    await second.publishAsync(bystander.credentials.topics.telemetry, telemetryPayload(Date.now() - 4_000, { temp: 999 }), { qos: 0 });
    await secondGone;
    const third = await connect(credentials);
    await publishStored(alice, third, credentials, Date.now() - 1_000, 'temp', 41);

    // Assess (the bystander: afterEach)
    expect(first.connected).toBe(false);
    expect(second.connected).toBe(false);
    expect((await rawOf(thingId)).body.items.map((item) => item.value)).toEqual([41]);
  });

  test('a flood from one thing: 10 messages a second are stored, the excess dropped and counted; the next second is admitted again', async () => {
    // Prepare: start at the beginning of a wall-clock second, so every message arrives within one rate window.
    const { thingId, credentials } = await register(alice, 'Flood');
    const device = await connect(credentials);
    const base = Date.now() - 60_000;
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));

    // Act
    const sentAt = Date.now();
    await Promise.all(Array.from({ length: 30 }, (_, index) => device.publishAsync(credentials.topics.telemetry, telemetryPayload(base + index, { temp: index }), { qos: 1 })));
    const ackedAt = Date.now();

    // Assess
    expect(Math.floor(ackedAt / 1000)).toBe(Math.floor(sentAt / 1000));
    const settled = (stored: ApiResponse<TelemetryPage<RawItem>>) => stored.body.items.length + telemetryDrops(thingId).length >= 30;
    const stored = await eventually(() => rawOf(thingId), settled, deviceTimeoutMs);
    expect(stored.body.items).toHaveLength(10);
    expect(telemetryDrops(thingId)).toEqual(Array.from({ length: 20 }, () => 'rate_limited'));
    // The burst settles within its own second on a fast machine: the next message must arrive in a later second.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (Math.floor(ackedAt / 1000) + 1) * 1000 - Date.now() + 20)));
    await publishStored(alice, device, credentials, Date.now() - 1_000, 'temp', 100);
    expect((await rawOf(thingId)).body.items).toHaveLength(11);
  });
  test('a sustained flood: in no second of arrival are more than 10 messages stored, however the deliveries interleave', async () => {
    // Prepare: each message a metric of its own without a ts, so each stored reading is one admitted message
    // and its time is the broker's arrival time (the time the rate window counts by).
    const { thingId, credentials } = await register(alice, 'Sustained flood');
    const device = await connect(credentials);
    const total = 120;

    // Act: about 40 messages a second for 3 seconds, so deliveries of neighbouring seconds overlap.
    for (let index = 0; index < total; index++) {
      await device.publishAsync(credentials.topics.telemetry, JSON.stringify({ metrics: { [`m${index}`]: index } }), { qos: 0 });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    // Assess
    const latest = (response: ApiResponse<ThingBody>) => Object.values(response.body.latest ?? {});
    const thing = await eventually(() => getThing(alice, thingId), (response) => latest(response).length + telemetryDrops(thingId).length >= total, 60_000);
    const perSecond = new Map<number, number>();
    for (const { at } of latest(thing)) perSecond.set(Math.floor(Date.parse(at) / 1000), (perSecond.get(Math.floor(Date.parse(at) / 1000)) ?? 0) + 1);
    const seconds = [...perSecond.keys()].sort((a, b) => a - b);
    const interior = seconds.slice(1, -1).map((second) => perSecond.get(second));
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(10);
    expect(interior.length).toBeGreaterThanOrEqual(1);
    expect(interior).toEqual(interior.map(() => 10));
    expect(telemetryDrops(thingId)).toEqual(Array.from({ length: total - latest(thing).length }, () => 'rate_limited'));
  });
});
