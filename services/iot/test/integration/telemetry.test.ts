// Telemetry rollups end to end: a device publishes readings over MQTT (spread over minutes, hours and a UTC day
// boundary, with a QoS 1 redelivery and a value replaced at the same ts), and every 1m, 1h and 1d bucket read
// through the gateway must equal min/max/avg/count computed here from the raw readings the device sent.
// Also the query window rules of the contract: `from` inclusive, `to` exclusive, bucketed ranges widened to
// whole buckets, the default range and resolution, and paging with `limit` and `cursor`.
import type { MqttClient } from 'mqtt';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import type { BucketItem, Credentials, RawItem } from '../support/things-client';
import { closeDevices, connect, deviceTimeoutMs, readAllTelemetry, readTelemetry, register, telemetryPayload } from '../support/things-client';

jest.setTimeout(120_000);

const minute = 60_000;
const hour = 3_600_000;
const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

type Rollup = '1m' | '1h' | '1d';
const spans: Record<Rollup, number> = { '1m': minute, '1h': hour, '1d': day };

/** Bucket items as the contract defines them, computed from raw readings: UTC-aligned, oldest first. */
function bucketsOf(raw: Map<number, number>, rollup: Rollup): BucketItem[] {
  const groups = new Map<number, number[]>();
  for (const [ts, value] of raw) {
    const start = Math.floor(ts / spans[rollup]) * spans[rollup];
    groups.set(start, [...(groups.get(start) ?? []), value]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, values]) => {
      const sum = values.reduce((total, value) => total + value, 0);
      return { at: iso(start), min: Math.min(...values), max: Math.max(...values), avg: sum / values.length, count: values.length };
    });
}

const rawItemsOf = (raw: Map<number, number>, from = -Infinity, to = Infinity): RawItem[] =>
  [...raw.entries()]
    .filter(([ts]) => ts >= from && ts < to)
    .sort(([a], [b]) => a - b)
    .map(([ts, value]) => ({ at: iso(ts), value }));

/** Waits out the gap that keeps a device under the contract's 10 messages a second. */
const pace = () => new Promise((resolve) => setTimeout(resolve, 150));

afterAll(closeDevices);

describe('telemetry rollups over the IoT twin', () => {
  let alice: TestUser;
  let thingId: string;
  let credentials: Credentials;
  let device: MqttClient;
  /** What must be stored: the value of each ts the device sent (the replacement applied). */
  const sent = new Map<number, number>();
  const now = Date.now();
  // Midnight UTC two days ago: readings from 23:50 the day before to 01:30, so minutes, hours and days all split.
  const midnight = Math.floor(now / day) * day - 2 * day;
  const readings: Array<[number, number]> = [
    [midnight - 10 * minute + 5_000, 20.25],
    [midnight - 10 * minute + 20_000, 21.5],
    [midnight - 10 * minute + 40_000, 19.75],
    [midnight - 9 * minute, 22],
    [midnight - 7 * minute - 30_000, 23.5],
    [midnight - 1, -1.25],
    [midnight, 18],
    [midnight + 30_000, 17.5],
    [midnight + 15 * minute + 10_000, 16.75],
    [midnight + hour - 1_000, 15],
    [midnight + hour, 14.5],
    [midnight + 90 * minute, 14.25],
    [midnight + 90 * minute + 500, 13],
    // Within the default window (the last 24 h), unlike all the others.
    [now - minute, 12],
  ];
  const redelivered = midnight - 10 * minute + 20_000;
  const replaced = { ts: midnight + 30_000, value: 30.25 };
  const first = midnight - 10 * minute + 5_000;
  const end = now;

  beforeAll(async () => {
    // Prepare: one device sends every reading, a QoS 1 redelivery of one of them, and a new value for another.
    alice = await createTestUser('iot-telemetry');
    ({ thingId, credentials } = await register(alice, 'Rollups'));
    device = await connect(credentials);
    for (const [ts, value] of readings) {
      await device.publishAsync(credentials.topics.telemetry, telemetryPayload(ts, { temp: value }), { qos: 1 });
      sent.set(ts, value);
      await pace();
    }
    // The broker sees a QoS 1 redelivery as the same message again (DUP set); the rule hands the function only the payload.
    await device.publishAsync(credentials.topics.telemetry, telemetryPayload(redelivered, { temp: sent.get(redelivered) as number }), { qos: 1, dup: true });
    await pace();
    // The replacement must arrive after the value it replaces is stored (the later arrival wins).
    const original = await eventually(
      () => readTelemetry<RawItem>(alice, thingId, { metric: 'temp', resolution: 'raw', from: replaced.ts, to: replaced.ts + 1 }),
      (response) => response.body.items?.length === 1,
      deviceTimeoutMs,
    );
    expect(original.body.items).toEqual([{ at: iso(replaced.ts), value: 17.5 }]);
    await device.publishAsync(credentials.topics.telemetry, telemetryPayload(replaced.ts, { temp: replaced.value }), { qos: 1 });
    sent.set(replaced.ts, replaced.value);
    await eventually(
      () => readTelemetry<RawItem>(alice, thingId, { metric: 'temp', resolution: 'raw', from: first, to: end + 1, limit: 1000 }),
      (response) => JSON.stringify(response.body.items) === JSON.stringify(rawItemsOf(sent)),
      deviceTimeoutMs,
    );
  });

  test('raw readings are the values sent: one per ts, the redelivery stored once, the replaced value gone', async () => {
    // Act
    const page = await readTelemetry<RawItem>(alice, thingId, { metric: 'temp', resolution: 'raw', from: first, to: end + 1, limit: 1000 });

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ metric: 'temp', resolution: 'raw', items: rawItemsOf(sent), nextCursor: null });
    expect(page.body.items).toHaveLength(readings.length);
    expect(page.body.items.find((item) => item.at === iso(replaced.ts))?.value).toBe(replaced.value);
  });

  test.each(['1m', '1h', '1d'] as const)('every %s bucket equals min/max/avg/count of its raw readings', async (rollup) => {
    // Prepare
    const expected = bucketsOf(sent, rollup);

    // Act
    const page = await readTelemetry<BucketItem>(alice, thingId, { metric: 'temp', resolution: rollup, from: first, to: end + 1, limit: 1000 });

    // Assess: quarter values keep every sum exact, so avg can be compared exactly.
    expect(page.status).toBe(200);
    expect(page.body.resolution).toBe(rollup);
    expect(page.body.items).toEqual(expected);
    expect(page.body.nextCursor).toBeNull();
    expect(page.body.items.reduce((total, item) => total + item.count, 0)).toBe(readings.length);
  });

  test('the replaced value was taken out of its buckets, not added beside the old one', async () => {
    // Act
    const page = await readTelemetry<BucketItem>(alice, thingId, { metric: 'temp', resolution: '1m', from: midnight, to: midnight + minute });

    // Assess: the minute holds 18 and the replacement 30.25; the first value (17.5) was its minimum.
    expect(page.body.items).toEqual([{ at: iso(midnight), min: 18, max: 30.25, avg: (18 + 30.25) / 2, count: 2 }]);
  });

  test('raw: from is inclusive and to exclusive, by reading time', async () => {
    // Prepare: both ends fall exactly on readings.
    const from = midnight - 9 * minute;
    const to = midnight;

    // Act
    const page = await readTelemetry<RawItem>(alice, thingId, { metric: 'temp', resolution: 'raw', from, to });

    // Assess
    expect(page.body.items).toEqual(rawItemsOf(sent, from, to));
    expect(page.body.items.map((item) => item.at)).toEqual([iso(midnight - 9 * minute), iso(midnight - 7 * minute - 30_000), iso(midnight - 1)]);
  });

  test('bucketed: from is rounded down and to up to whole buckets', async () => {
    // Prepare: mid-minute ends; the widened range is 23:50 to 23:53.
    const from = midnight - 10 * minute + 30_000;
    const to = midnight - 8 * minute + 1;

    // Act
    const minutes = await readTelemetry<BucketItem>(alice, thingId, { metric: 'temp', resolution: '1m', from, to });
    const hours = await readTelemetry<BucketItem>(alice, thingId, { metric: 'temp', resolution: '1h', from: midnight + 30 * minute, to: midnight + 61 * minute });

    // Assess
    expect(minutes.body.items).toEqual(bucketsOf(sent, '1m').filter((item) => Date.parse(item.at) >= midnight - 10 * minute && Date.parse(item.at) < midnight - 7 * minute));
    expect(minutes.body.items.map((item) => item.at)).toEqual([iso(midnight - 10 * minute), iso(midnight - 9 * minute), iso(midnight - 8 * minute)]);
    expect(hours.body.items).toEqual(bucketsOf(sent, '1h').filter((item) => item.at === iso(midnight) || item.at === iso(midnight + hour)));
  });

  test('paging with limit and cursor returns every item once, in order', async () => {
    // Act
    const raw = await readAllTelemetry<RawItem>(alice, thingId, { metric: 'temp', resolution: 'raw', from: first, to: end + 1, limit: 5 });
    const minutes = await readAllTelemetry<BucketItem>(alice, thingId, { metric: 'temp', resolution: '1m', from: first, to: end + 1, limit: 4 });

    // Assess
    expect(raw.items).toEqual(rawItemsOf(sent));
    expect(raw.pageSizes).toEqual([5, 5, 4]);
    expect(minutes.items).toEqual(bucketsOf(sent, '1m'));
    expect(minutes.pageSizes).toEqual([4, 4, 2]);
  });

  test('without from and to: the last 24 h, at the finest resolution giving at most 1000 buckets', async () => {
    // Act
    const recent = await readTelemetry<RawItem>(alice, thingId, { metric: 'temp', resolution: 'raw' });
    const chosen = await readTelemetry<BucketItem>(alice, thingId, { metric: 'temp' });
    const threeDays = await readTelemetry<BucketItem>(alice, thingId, { metric: 'temp', from: first, to: end + 1 });

    // Assess: 24 h is 1440 minutes (too many) and 24 hours; three days are 72 or 73 hours.
    expect(recent.body.items).toEqual([{ at: iso(now - minute), value: 12 }]);
    expect(chosen.body.resolution).toBe('1h');
    expect(chosen.body.items).toEqual(bucketsOf(new Map([[now - minute, 12]]), '1h'));
    expect(threeDays.body.resolution).toBe('1h');
    expect(threeDays.body.items).toEqual(bucketsOf(sent, '1h'));
  });

  test('an unknown metric is 200 with no items', async () => {
    // Act
    const page = await readTelemetry(alice, thingId, { metric: 'humidity', resolution: '1h', from: first, to: end + 1 });

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ metric: 'humidity', resolution: '1h', items: [], nextCursor: null });
  });
});
