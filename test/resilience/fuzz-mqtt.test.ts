// MQTT fuzz: an authenticated device publishes garbage (binary, huge, deeply nested, wrong types, prototype keys,
// invalid UTF-8) to its own telemetry and reported-state topics, and tries topics it may not use (another thing's,
// wildcards, very long, unicode, AWS-reserved). Afterwards the broker still accepts the device, a valid reading
// from the same thing is stored and readable over HTTP, the other thing received nothing, none of the garbage was
// stored (no metric the contract would refuse, no reading at a refused time), and the IoT twin's rules engine
// neither retried, dead-lettered nor dropped a delivery meanwhile (its stats on the data plane's /health: what it
// gives up on is what `npm run redrive` replays). The cases come from fast-check with the run's seed (repeat with
// RESILIENCE_SEED=<seed>).
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { api } from '../support/api';
import { createTestUser } from '../support/users';
import type { TestUser } from '../support/users';
import type { Credentials } from '../../services/iot/test/support/things-client';
import { closeDevices, closed, connect, publishStored, readTelemetry, register } from '../../services/iot/test/support/things-client';
import type { RulesStats } from '../../scripts/platform/iot/rules-engine';
import { recordFigures } from './support/figures';
import { resilienceProfile } from './support/profile';

const profile = resilienceProfile();

/** The IoT twin's rules engine counters, from the data plane's /health. */
async function rulesStats(): Promise<RulesStats> {
  const response = await fetch(`http://127.0.0.1:${process.env.IOT_DATA_PORT ?? '4580'}/health`);
  return ((await response.json()) as { rules: RulesStats }).rules;
}

const delta = (before: RulesStats, after: RulesStats) =>
  Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - before[key as keyof RulesStats]])) as unknown as RulesStats;

/**
 * The metric names a telemetry payload would store under the contract, more leniently than the service (values
 * only finite, any `ts` of the right type within 30 days back and 24 h ahead): nothing else may be stored.
 */
function storableNames(payload: Buffer, now: number): string[] {
  if (payload.byteLength > 16 * 1024) return [];
  let message: unknown;
  try {
    message = JSON.parse(payload.toString('utf8'));
  } catch {
    return [];
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return [];
  const { ts, metrics } = message as { ts?: unknown; metrics?: unknown };
  if (ts !== undefined) {
    const at = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
    if (!Number.isFinite(at) || at < now - 31 * 86_400_000 || at > now + 86_400_000) return [];
  }
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return [];
  const entries = Object.entries(metrics);
  if (entries.length < 1 || entries.length > 20) return [];
  if (entries.some(([name, value]) => !/^[a-z0-9_.]{1,40}$/.test(name) || typeof value !== 'number' || !Number.isFinite(value))) return [];
  return entries.map(([name]) => name);
}

const deep = (depth: number) => `${'{"metrics":'.repeat(depth)}{}${'}'.repeat(depth)}`;

/** Payloads no device should send; every one must be dropped (counted and logged), never crash the pipeline. */
const garbagePayloads: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    '',
    'null',
    'true',
    '[]',
    '"metrics"',
    '1e999',
    '{',
    deep(5_000),
    `[${'['.repeat(20_000)}${']'.repeat(20_000)}]`,
    JSON.stringify({ metrics: { temp: 'hot' } }),
    JSON.stringify({ metrics: [1, 2, 3] }),
    JSON.stringify({ metrics: {} }),
    JSON.stringify({ metrics: Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`m${index}`, index])) }),
    JSON.stringify({ ts: 'yesterday', metrics: { temp: 1 } }),
    JSON.stringify({ ts: -1, metrics: { temp: 1 } }),
    JSON.stringify({ ts: 8.64e15 + 1, metrics: { temp: 1 } }),
    JSON.stringify({ ts: Date.now() + 10 * 86_400_000, metrics: { temp: 1 } }),
    JSON.stringify({ metrics: { 'Bad Name!': 1, ['x'.repeat(100)]: 2 } }),
    '{"metrics":{"temp":1e999}}',
    '{"metrics":{"temp":1e200,"hum":5e-324}}',
    '{"metrics":{"temp":NaN}}',
    '{"__proto__":{"polluted":true},"metrics":{"constructor":1,"__proto__":2}}',
    '{"reported":{"__proto__":{"polluted":true}}}',
    JSON.stringify({ reported: 'not an object' }),
    JSON.stringify({ reported: { big: 'x'.repeat(9_000) } }),
    JSON.stringify({ reported: JSON.parse(deep(50)) as unknown }),
    JSON.stringify({ metrics: { temp: 'x'.repeat(20_000) } }),
    'x'.repeat(200 * 1024),
  ).map((text) => Buffer.from(text)),
  fc.constant(Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0xff, 0xfe, 0xc3, 0x28, 0x7d])),
  fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
);

function garbageTopics(own: string, other: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      `things/${other}/telemetry`,
      `things/${other}/state/reported`,
      `things/${own}/state/desired`,
      `things/${own}/telemetry/extra`,
      `things/${own}/TELEMETRY`,
      `things/${own}`,
      'things//telemetry',
      'things/+/telemetry',
      '#',
      `things/${own}/#`,
      `$aws/things/${own}/shadow/update`,
      '$aws/events/presence/connected/someone',
      `things/${own}/telemetry\u0000`,
      `things/😀/telemetry`,
      `things/${'a'.repeat(4_000)}/telemetry`,
      '/',
    ),
    fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }),
  );
}

describe('MQTT fuzz of the IoT pipeline', () => {
  let owner: TestUser;
  let otherOwner: TestUser;
  let own: { thingId: string; credentials: Credentials };
  let other: { thingId: string; credentials: Credentials };
  let published = 0;
  let refusedByClient = 0;
  let disconnections = 0;
  let deniedSubscriptions = 0;
  let httpRequests = 0;
  let serverErrors = 0;
  const notes: string[] = [];
  const started = Date.now();

  beforeAll(async () => {
    [owner, otherOwner] = await Promise.all([createTestUser('mqtt-fuzz'), createTestUser('mqtt-other')]);
    own = await register(owner, 'Fuzzed device');
    other = await register(otherOwner, 'Bystander');
    httpRequests += 6;
  });

  afterAll(async () => {
    await closeDevices();
    recordFigures('fuzz-mqtt', {
      requestsSent: published + httpRequests,
      serverErrors,
      notes: [
        `${published} garbage publishes (${refusedByClient} refused by the client library), ${disconnections} connections closed by the broker, ${deniedSubscriptions} subscriptions denied, in ${Math.round((Date.now() - started) / 1000)} s (seed ${profile.seed})`,
        ...notes,
      ],
    });
  });

  /** Each connection's end, asked for once (a listener per publish would pile up). */
  const ends = new WeakMap<MqttClient, Promise<void>>();

  async function publish(device: MqttClient, topic: string, payload: Buffer, qos: 0 | 1): Promise<void> {
    published += 1;
    const end = ends.get(device) ?? closed(device);
    ends.set(device, end);
    try {
      // A QoS 1 publication the broker refuses is never acknowledged: the connection closes instead.
      await Promise.race([device.publishAsync(topic, payload, { qos }), end, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    } catch {
      refusedByClient += 1;
    }
  }

  test('garbage payloads and topics never stop the broker or the rules; a valid reading is stored afterwards', async () => {
    // Prepare
    const runs = profile.fuzzRunsPerOperation;
    const payloads = fc.sample(garbagePayloads, { numRuns: runs, seed: profile.seed });
    const topics = fc.sample(garbageTopics(own.thingId, other.thingId), { numRuns: Math.ceil(runs / 2), seed: profile.seed + 1 });
    const wildcards = ['#', 'things/+/telemetry', `things/${other.thingId}/state/desired`, '$aws/#', `things/${own.thingId}/#`];
    const received: string[] = [];
    const storable = new Set<string>();
    const fuzzStarted = Date.now();
    const rulesBefore = await rulesStats();

    // Act: garbage on the device's own topics (the connection stays up)...
    let device = await connect(own.credentials);
    for (const [index, payload] of payloads.entries()) {
      const topic = index % 3 === 2 ? own.credentials.topics.reported : own.credentials.topics.telemetry;
      if (topic === own.credentials.topics.telemetry) for (const name of storableNames(payload, Date.now())) storable.add(name);
      if (!device.connected) device = await connect(own.credentials);
      await publish(device, topic, payload, index % 2 === 0 ? 1 : 0);
    }
    // ...subscriptions it may not have (the broker denies them; nothing of another thing's may arrive)...
    if (!device.connected) device = await connect(own.credentials);
    device.on('message', (topic) => received.push(topic));
    for (const filter of wildcards) {
      const granted = await device.subscribeAsync(filter, { qos: 1 }).catch(() => []);
      if (granted.every((grant) => grant.qos === 128)) deniedSubscriptions += 1;
    }
    // ...and topics it may not publish to (each closes the connection, as on AWS IoT: connect again).
    for (const topic of topics) {
      if (!device.connected) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        device = await connect(own.credentials);
      }
      await publish(device, topic, Buffer.from(JSON.stringify({ metrics: { fuzz: 1 } })), 1);
      if (!device.connected) disconnections += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await closeDevices();

    // Assess: the broker still takes the device, and the rules still store its readings.
    const again = await connect(own.credentials);
    expect(again.connected).toBe(true);
    await publishStored(owner, again, own.credentials, Date.now(), 'temp', 21.5);
    httpRequests += 2;
    const bystander = await readTelemetry(otherOwner, other.thingId, { metric: 'fuzz', resolution: 'raw' });
    const ownThing = await api<{ thingId: string; name: string; latest?: Record<string, { value: number; at: string }> }>(`/things/${own.thingId}`, { token: owner.accessToken });
    httpRequests += 2;
    serverErrors += [bystander, ownThing].filter((response) => response.status >= 500).length;
    expect(bystander.status).toBe(200);
    expect(bystander.body.items).toEqual([]);
    expect(ownThing.status).toBe(200);
    expect(ownThing.body.name).toBe('Fuzzed device');
    expect(received.filter((topic) => !topic.startsWith(`things/${own.thingId}/`))).toEqual([]);
    expect(deniedSubscriptions).toBe(wildcards.length);

    // Assess: none of the garbage stored. Every metric the thing has a latest value of is one a valid message of
    // the fuzz carried (or the valid reading's); nothing published to a topic it may not use reached its series
    // (`fuzz`); and no temp reading at a refused time (the junk `ts` values: 1970, ten days ahead).
    expect(Object.keys(ownThing.body.latest ?? {}).filter((name) => name !== 'temp' && !storable.has(name))).toEqual([]);
    if (!storable.has('fuzz')) {
      const fuzzSeries = await readTelemetry(owner, own.thingId, { metric: 'fuzz', resolution: 'raw' });
      expect(fuzzSeries.body.items).toEqual([]);
    }
    const ahead = await readTelemetry<{ at: string; value: number }>(owner, own.thingId, { metric: 'temp', resolution: 'raw', from: Date.now() + 60_000, to: Date.now() + 11 * 86_400_000 });
    const before = await readTelemetry<{ at: string; value: number }>(owner, own.thingId, { metric: 'temp', resolution: 'raw', from: 0, to: fuzzStarted - 60_000 });
    httpRequests += 3;
    expect({ ahead: ahead.status, before: before.status }).toEqual({ ahead: 200, before: 200 });
    expect([...ahead.body.items, ...before.body.items]).toEqual([]);

    // Assess: the rules engine took every message (delivered, or not deliverable: a payload that is not JSON) and
    // never retried, dead-lettered or dropped one: the garbage made no function fail.
    let rules = delta(rulesBefore, await rulesStats());
    for (const until = Date.now() + 30_000; rules.delivered + rules.undeliverable + rules.deadLettered + rules.dropped < rules.matched && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      rules = delta(rulesBefore, await rulesStats());
    }
    notes.push(`rules engine during the fuzz: ${JSON.stringify(rules)}`);
    expect({ retries: rules.retries, deadLettered: rules.deadLettered, dropped: rules.dropped }).toEqual({ retries: 0, deadLettered: 0, dropped: 0 });
    expect(rules.delivered + rules.undeliverable).toBeGreaterThanOrEqual(rules.matched);
  });
});
