// The iot adapters against DynamoDB Local (the platform's), on tables of their own created from the YAML in
// TABLES.md: conditional writes, transactions, the GSI, cursors and the item shapes, which fakes cannot
// vouch for. The domain runs on top, so these are also the unit tests' scenarios on real storage.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { ConflictError, NotFoundError } from '@photonotes/shared/errors';
import { noMetrics } from '@photonotes/shared/metrics';
import { parse } from 'yaml';
import { alertRulesStore } from '../../src/adapters/alert-rules-store';
import { deviceStore } from '../../src/adapters/device-store';
import { stateStore } from '../../src/adapters/state-store';
import { telemetryTable } from '../../src/adapters/telemetry-table';
import { thingsTable } from '../../src/adapters/things-table';
import { authorizeConnect } from '../../src/domain/authorizer';
import type { IotDeps } from '../../src/domain/deps';
import { putDesired, reportState } from '../../src/domain/desired-state';
import { ingestTelemetry } from '../../src/domain/ingest';
import type { IngestDeps } from '../../src/domain/ingest';
import { isOnline } from '../../src/domain/presence';
import { recordLifecycleEvent } from '../../src/domain/presence-events';
import { readTelemetry } from '../../src/domain/read-telemetry';
import { createThing, deleteThing, getThing, listThings, purgeThingData, rotateCredentials, updateThing } from '../../src/domain/registry';
import { replaceAlertRules } from '../../src/domain/alert-rules';
import type { SeriesCommit, SeriesWrite } from '../../src/domain/ports';
import { bucketStart, defaultRetention, expiresAt } from '../../src/domain/resolutions';
import { telemetryLimits } from '../../src/domain/telemetry-message';
import { seededRandom, shuffle } from '../support/random';
import { aggregatesOf, deliveries, expectedRaw, sortedEntries } from '../support/telemetry-model';
import { RecordingPlane, RecordingPublisher, RecordingThingEvents } from '../unit/support/iot-deps';

jest.setTimeout(120_000);

process.env.CURSOR_SECRET ??= 'iot-tables-test-cursor-secret';
const suffix = randomUUID().slice(0, 8);
const names = { ThingsTable: `iot-things-test-${suffix}`, TelemetryTable: `iot-telemetry-test-${suffix}` };
const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

type TableResource = { Properties: Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes' | 'BillingMode'> };

/** The table definitions as TABLES.md gives them to serverless.yml. */
function declaredTables(): Record<keyof typeof names, TableResource> {
  const text = readFileSync(path.join(__dirname, '..', '..', 'TABLES.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error('TABLES.md has no yaml block');
  return parse(block) as Record<keyof typeof names, TableResource>;
}

beforeAll(async () => {
  const declared = declaredTables();
  for (const [resource, TableName] of Object.entries(names) as Array<[keyof typeof names, string]>) {
    const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } = declared[resource].Properties;
    await raw.send(new CreateTableCommand({ TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode }));
  }
});

afterAll(async () => {
  for (const TableName of Object.values(names)) await raw.send(new DeleteTableCommand({ TableName }));
  client.destroy();
});

function realDeps(now = () => new Date()) {
  const plane = new RecordingPlane();
  const publisher = new RecordingPublisher();
  const thingEvents = new RecordingThingEvents();
  const tableName = names.ThingsTable;
  const deps: IotDeps & IngestDeps = {
    things: thingsTable({ tableName, client }),
    devices: deviceStore({ tableName, client }),
    states: stateStore({ tableName, client }),
    alertRules: alertRulesStore({ tableName, client }),
    telemetry: telemetryTable({ thingsTableName: tableName, telemetryTableName: names.TelemetryTable, client }),
    plane,
    alerts: publisher,
    thingEvents,
    config: { retention: defaultRetention, endpoint: { mqttUrl: 'mqtt://localhost:1883', usernameFormat: '{thingId}' }, credentialKeys: { secret: 'tables-test-secret' } },
    now,
    newId: randomUUID,
    metrics: noMetrics,
  };
  return { deps, plane, publisher };
}

/** The shared client, naming every command it sends. */
function recordingClient() {
  const sent: string[] = [];
  const recording: DocumentSender = {
    send(command) {
      sent.push(command.constructor.name);
      return (client as DocumentSender).send(command);
    },
  };
  return { sent, recording };
}

const caller = () => ({ userId: `user-${randomUUID()}` });
const context = { region: 'us-east-1', accountId: '000000000000' };

async function connects(deps: IotDeps, thingId: string, password: string): Promise<boolean> {
  const device = await deps.devices.get(thingId);
  const stored = device ? { thingId, credential: device.credential } : undefined;
  return authorizeConnect({ clientId: thingId, username: thingId, password: Buffer.from(password).toString('base64') }, stored, deps.config.credentialKeys, context).isAuthenticated;
}

describe('registry on DynamoDB', () => {
  it('creates, lists newest first with cursors, reads, renames and deletes', async () => {
    // Prepare
    let clock = Date.parse('2026-11-28T09:00:00.000Z');
    const { deps, plane } = realDeps(() => new Date((clock += 1000)));
    const owner = caller();
    const created = [];
    for (const name of ['a', 'b', 'c']) created.push(await createThing({ name, attributes: { __proto__x: 'p', room: name } }, owner, deps));

    // Act
    const first = await listThings({ limit: 2 }, owner, deps);
    const second = await listThings({ limit: 2, cursor: first.nextCursor ?? undefined }, owner, deps);
    const renamed = await updateThing(created[0]?.thing.thingId as string, { name: 'A' }, owner, deps);
    const details = await getThing(created[1]?.thing.thingId as string, owner, deps);
    await deleteThing(created[2]?.thing.thingId as string, owner, deps);

    // Assess
    expect(first.items.map((thing) => thing.name)).toEqual(['c', 'b']);
    expect(second.items.map((thing) => thing.name)).toEqual(['a']);
    expect(second.nextCursor).toBeNull();
    expect(renamed).toMatchObject({ name: 'A', attributes: { room: 'a' } });
    expect(details).toMatchObject({ name: 'b', online: false, lastSeenAt: null, state: { version: 0, desired: {}, reported: {}, delta: {} }, latest: {} });
    expect(await connects(deps, created[2]?.thing.thingId as string, created[2]?.credentials.password as string)).toBe(false);
    expect(await connects(deps, created[1]?.thing.thingId as string, created[1]?.credentials.password as string)).toBe(true);
    expect(plane.disconnected).toEqual([created[2]?.thing.thingId]);
    expect(await getThing(created[2]?.thing.thingId as string, owner, deps).catch((err: unknown) => err)).toBeInstanceOf(NotFoundError);
    expect(await getThing(created[1]?.thing.thingId as string, caller(), deps).catch((err: unknown) => err)).toBeInstanceOf(NotFoundError);
  });

  it('keeps "__proto__" attribute keys through storage', async () => {
    // Prepare
    const { deps } = realDeps();
    const owner = caller();
    const attributes = JSON.parse('{"__proto__":"kept","room":"hall"}') as Record<string, string>;

    // Act
    const { thing } = await createThing({ name: 'x', attributes }, owner, deps);
    const read = await getThing(thing.thingId, owner, deps);

    // Assess
    expect(Object.entries(read.attributes)).toEqual([
      ['__proto__', 'kept'],
      ['room', 'hall'],
    ]);
  });

  it('holds the 50-thing limit under 60 concurrent creates', async () => {
    // Prepare
    const { deps } = realDeps();
    const owner = caller();

    // Act
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, index) => createThing({ name: `t${index}` }, owner, deps)));

    // Assess
    const refused = results.filter((result) => result.status === 'rejected');
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(50);
    expect(refused).toHaveLength(10);
    for (const result of refused) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
  });

  it('rotates credentials: the old password stops, the new one works, concurrent rotations leave one', async () => {
    // Prepare
    const { deps } = realDeps();
    const owner = caller();
    const { thing, credentials } = await createThing({ name: 'x' }, owner, deps);

    // Act
    const rotated = await Promise.all([rotateCredentials(thing.thingId, owner, deps), rotateCredentials(thing.thingId, owner, deps)]);

    // Assess
    expect(await connects(deps, thing.thingId, credentials.password)).toBe(false);
    const working = await Promise.all(rotated.map((result) => connects(deps, thing.thingId, result.credentials.password)));
    expect(working.filter(Boolean)).toHaveLength(1);
    expect((await deps.devices.get(thing.thingId))?.credential.generation).toBe(3);
  });
});

describe('device record on DynamoDB', () => {
  it('admits 10 messages a second and drops the rest, per thing, also when the next second has begun', async () => {
    // Prepare
    const { deps } = realDeps();
    const { thing } = await createThing({ name: 'x' }, caller(), deps);
    const second = Date.parse('2026-11-28T09:00:00.000Z');

    // Act
    const burst = await Promise.all(Array.from({ length: 15 }, (_, index) => deps.devices.admit(thing.thingId, second + index, 10)));
    const next = await deps.devices.admit(thing.thingId, second + 1000, 10);
    // Processed after the next second began: still counted in its own (full) second.
    const late = await deps.devices.admit(thing.thingId, second + 5, 10);
    // Two seconds behind, its window long replaced (a retried delivery): admitted, uncounted.
    const stale = await deps.devices.admit(thing.thingId, second - 2000, 10);
    const unknown = await deps.devices.admit(randomUUID(), second, 10);

    // Assess
    expect(burst.filter((admission) => admission.admitted)).toHaveLength(10);
    expect(burst.filter((admission) => !admission.admitted)).toEqual(Array(5).fill({ admitted: false, reason: 'rate_limited' }));
    expect(next).toEqual({ admitted: true, ownerId: expect.any(String) });
    expect(late).toEqual({ admitted: false, reason: 'rate_limited' });
    expect(stale.admitted).toBe(true);
    expect(unknown).toEqual({ admitted: false, reason: 'unknown_thing' });
  });

  it('admits with one write a message that opens its second, and one counted within a second this container saw', async () => {
    // Prepare
    const { deps } = realDeps();
    const { thing } = await createThing({ name: 'x' }, caller(), deps);
    const { sent, recording } = recordingClient();
    const devices = deviceStore({ tableName: names.ThingsTable, client: recording });
    const otherContainer = deviceStore({ tableName: names.ThingsTable, client: recording });
    const second = Date.parse('2026-11-28T09:00:00.000Z');

    // Act
    const everySecond = [];
    for (let index = 0; index < 3; index++) everySecond.push(await devices.admit(thing.thingId, second + index * 1000, 10));
    const writesEverySecond = sent.length;
    const sameSecond = await devices.admit(thing.thingId, second + 2_100, 10);
    const writesSameSecond = sent.length - writesEverySecond;
    // A container that has not admitted the thing yet tries to open the second, finds it open and counts in it.
    const elsewhere = await otherContainer.admit(thing.thingId, second + 2_200, 10);
    const writesElsewhere = sent.length - writesEverySecond - writesSameSecond;

    // Assess
    expect([...everySecond, sameSecond, elsewhere].every((admission) => admission.admitted)).toBe(true);
    expect([writesEverySecond, writesSameSecond, writesElsewhere]).toEqual([3, 1, 2]);
  });

  it('folds concurrent, duplicated, reordered lifecycle events into the right presence', async () => {
    // Prepare
    const { deps } = realDeps();
    const { thing } = await createThing({ name: 'x' }, caller(), deps);
    const t0 = Date.parse('2026-11-28T09:00:00.000Z');
    const events = [
      { type: 'connected' as const, sessionId: 'a', at: t0 },
      { type: 'disconnected' as const, sessionId: 'a', at: t0 + 5_000 },
      { type: 'connected' as const, sessionId: 'b', at: t0 + 6_000 },
      { type: 'connected' as const, sessionId: 'c', at: t0 + 9_000 },
      { type: 'disconnected' as const, sessionId: 'b', at: t0 + 9_020 },
    ];
    const delivered = shuffle([...events, ...events], seededRandom(3));

    // Act
    await Promise.all(delivered.map((event) => recordLifecycleEvent(thing.thingId, event, deps)));

    // Assess
    const stored = await deps.devices.presence(thing.thingId);
    expect(stored && isOnline(stored.presence)).toBe(true);
    expect(stored?.presence.current).toEqual({ sessionId: 'c', connectedAt: t0 + 9_000, disconnectedAt: null });
  });
});

describe('state and alert rules on DynamoDB', () => {
  it('merges desired and reported under one version, answers a stale If-Match with 412', async () => {
    // Prepare
    const { deps, plane } = realDeps();
    const owner = caller();
    const { thing } = await createThing({ name: 'x' }, owner, deps);

    // Act
    await putDesired(thing.thingId, { desired: JSON.parse('{"target":21,"__proto__":{"a":1}}') as Record<string, never>, expectedVersion: 0 }, owner, deps);
    const report = await reportState({ thingId: thing.thingId, payload: JSON.stringify({ reported: { target: 21 } }), receivedAt: Date.now() }, deps);
    const stale = await putDesired(thing.thingId, { desired: { target: 22 }, expectedVersion: 1 }, owner, deps).catch((err: unknown) => err);

    // Assess
    expect(report).toMatchObject({ status: 'stored', state: { version: 2 } });
    expect(report.status === 'stored' && report.state.delta).toEqual(JSON.parse('{"__proto__":{"a":1}}'));
    expect(stale).toMatchObject({ status: 412, details: [{ current: { version: 2 } }] });
    expect(plane.retained.get(thing.thingId)).toEqual({ version: 1, desired: JSON.parse('{"target":21,"__proto__":{"a":1}}') as unknown });
  });

  it('versions rule sets', async () => {
    // Prepare
    const { deps } = realDeps();
    const owner = caller();
    const { thing } = await createThing({ name: 'x' }, owner, deps);

    // Act
    await replaceAlertRules(thing.thingId, { rules: [{ metric: 'temp', op: 'gt', threshold: 30, forSeconds: 0 }] }, owner, deps);
    const second = await replaceAlertRules(thing.thingId, { rules: [{ id: 'hot', metric: 'temp', op: 'gte', threshold: 31.5, forSeconds: 60 }] }, owner, deps);

    // Assess
    expect(second.rules).toEqual([{ id: 'hot', metric: 'temp', op: 'gte', threshold: 31.5, forSeconds: 60 }]);
    expect(await deps.alertRules.get(thing.thingId)).toEqual({ version: 2, rules: second.rules });
  });
});

describe('telemetry on DynamoDB', () => {
  const base = Date.now() - 5 * 86_400_000;
  // Humidity follows temperature monotonically, so both metrics of a message have the same winning delivery.
  const humidityOf = (temp: number) => 2 * temp - 1;

  it('keeps rollups equal to aggregates of raw under concurrent redelivery, replacement and reordering of two-metric messages, and reads them back', async () => {
    // Prepare
    const { deps } = realDeps();
    const owner = caller();
    const { thing } = await createThing({ name: 'x' }, owner, deps);
    const random = seededRandom(21);
    const generated = deliveries(random, 120, base);
    // Arrivals spread to 400 ms apart (order and ties kept), so even three copies of one stay within the rate limit.
    const first = Math.min(...generated.map((delivery) => delivery.receivedAt));
    const all = generated.map((delivery) => ({ ...delivery, receivedAt: first + (delivery.receivedAt - first) * 40 }));

    // Act: 8 invocations in flight at once
    for (let index = 0; index < all.length; index += 8) {
      const outcomes = await Promise.all(
        all.slice(index, index + 8).map((delivery) =>
          ingestTelemetry({ thingId: thing.thingId, payload: JSON.stringify({ ts: delivery.ts, metrics: { temp: delivery.value, hum: humidityOf(delivery.value) } }), receivedAt: delivery.receivedAt }, deps),
        ),
      );
      for (const outcome of outcomes) expect(outcome.status).toBe('stored');
    }

    // Assess
    const storedOf = async (metric: string) => new Map((await deps.telemetry.readings({ thingId: thing.thingId, metric }, 0, Number.MAX_SAFE_INTEGER)).map(({ ts, value }) => [ts, value]));
    const stored = await storedOf('temp');
    expect(sortedEntries(stored)).toEqual(sortedEntries(expectedRaw(all)));
    expect(sortedEntries(await storedOf('hum'))).toEqual(sortedEntries(expectedRaw(all.map((delivery) => ({ ...delivery, value: humidityOf(delivery.value) })))));
    for (const metric of ['temp', 'hum']) {
      for (const rollup of ['1m', '1h', '1d'] as const) {
        const buckets = new Map((await deps.telemetry.buckets({ thingId: thing.thingId, metric }, rollup, 0, Number.MAX_SAFE_INTEGER)).map(({ start, bucket }) => [start, bucket]));
        expect(sortedEntries(buckets)).toEqual(sortedEntries(aggregatesOf(await storedOf(metric), rollup)));
      }
    }
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await readTelemetry(thing.thingId, { metric: 'temp', resolution: 'raw', from: base, to: base + 4 * 86_400_000, limit: 7, cursor }, owner, deps);
      pages.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.map((item) => Date.parse(item.at))).toEqual(sortedEntries(stored).map(([ts]) => ts));
    const newest = Math.max(...stored.keys());
    expect((await getThing(thing.thingId, owner, deps)).latest).toEqual({
      temp: { value: stored.get(newest), at: new Date(newest).toISOString() },
      hum: { value: humidityOf(stored.get(newest) as number), at: new Date(newest).toISOString() },
    });
  });

  it('writes a message of the most metrics in one transaction, and more series than one takes in groups', async () => {
    // Prepare
    const { deps } = realDeps();
    const { thing } = await createThing({ name: 'x' }, caller(), deps);
    const { sent, recording } = recordingClient();
    const telemetry = telemetryTable({ thingsTableName: names.ThingsTable, telemetryTableName: names.TelemetryTable, client: recording });
    const ts = base + 90_000;
    const metrics = Object.fromEntries(Array.from({ length: telemetryLimits.metrics }, (_, index) => [`m${index}`, index]));
    const write = (value: number): SeriesWrite => ({
      latest: { value, at: ts },
      alerts: { rulesVersion: 0, rules: {} },
      fired: [],
      headExpiresAt: expiresAt('1d', bucketStart(ts, '1d'), defaultRetention),
      reading: { ts, value, receivedAt: ts, expiresAt: expiresAt('raw', ts, defaultRetention) },
      buckets: (['1m', '1h', '1d'] as const).map((rollup) => ({ rollup, start: bucketStart(ts, rollup), bucket: { min: value, max: value, sum: value, count: 1 }, expiresAt: expiresAt(rollup, bucketStart(ts, rollup), defaultRetention) })),
    });
    const grouped = (expectedRev: (index: number) => number): SeriesCommit[] =>
      Array.from({ length: telemetryLimits.metrics + 1 }, (_, index) => ({ series: { thingId: thing.thingId, metric: `g${index}` }, expectedRev: expectedRev(index), write: write(index) }));

    // Act
    const outcome = await ingestTelemetry({ thingId: thing.thingId, payload: JSON.stringify({ ts, metrics }), receivedAt: ts + 100 }, { ...deps, telemetry });
    const messageRequests = [...sent];
    const created = await telemetry.commit(grouped(() => 0));
    // The last series is stale: only its group (the 21st series) writes nothing.
    const updated = await telemetry.commit(grouped((index) => (index === telemetryLimits.metrics ? 0 : 1)));

    // Assess
    expect(outcome).toEqual({ status: 'stored', readings: { inserted: 20, replaced: 0, unchanged: 0 }, published: 0, streamed: true });
    expect(messageRequests).toEqual(['BatchGetCommand', 'BatchGetCommand', 'TransactWriteCommand']);
    expect(created).toEqual(Array(21).fill(true));
    expect(updated).toEqual([...Array<boolean>(20).fill(true), false]);
    const snapshot = await telemetry.load(thing.thingId, ['m19', 'g0', 'g20'], ts);
    expect(snapshot.series.map((series) => [series.head.rev, series.reading?.value, series.buckets['1h']])).toEqual([
      [1, 19, { min: 19, max: 19, sum: 19, count: 1 }],
      [2, 0, { min: 0, max: 0, sum: 0, count: 1 }],
      [1, 20, { min: 20, max: 20, sum: 20, count: 1 }],
    ]);
  });

  it('fires an alert once, publishes it from the outbox and purges everything after deletion', async () => {
    // Prepare
    const { deps, publisher } = realDeps();
    const owner = caller();
    const { thing } = await createThing({ name: 'x' }, owner, deps);
    await replaceAlertRules(thing.thingId, { rules: [{ id: 'hot', metric: 'temp', op: 'gt', threshold: 30, forSeconds: 0 }] }, owner, deps);
    const t0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    const message = (seconds: number, temp: number) => ({ thingId: thing.thingId, payload: JSON.stringify({ ts: t0 + seconds * 1000, metrics: { temp, hum: 50 } }), receivedAt: t0 + seconds * 1000 + 100 });

    // Act
    publisher.failures = 1;
    const failed = await ingestTelemetry(message(0, 35), deps).catch((err: unknown) => err);
    await ingestTelemetry(message(0, 35), deps);
    await ingestTelemetry(message(10, 36), deps);
    await deleteThing(thing.thingId, owner, deps);
    const purged = await purgeThingData(thing.thingId, deps);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(publisher.published.map((fired) => fired.alert)).toEqual([{ thingId: thing.thingId, ownerId: owner.userId, ruleId: 'hot', metric: 'temp', value: 35, at: new Date(t0).toISOString() }]);
    expect((await deps.telemetry.readings({ thingId: thing.thingId, metric: 'temp' }, 0, Number.MAX_SAFE_INTEGER)).length).toBe(0);
    expect(await deps.telemetry.latest(thing.thingId)).toEqual([]);
    // 2 metrics × (2 readings + 3 buckets, shared by both readings) + 2 heads
    expect(purged).toBe(2 * (2 + 3) + 2);
  });
});
