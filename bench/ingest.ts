// Telemetry ingest on the local platform: 50 simulated thermostats (scripts/things/device.ts) publish QoS 1 readings
// through the IoT twin's broker and topic rule into the iot service's ingest function (serverless-offline) and
// DynamoDB Local, at 10, 50 and 200 messages a second in total, then at rising rates until the platform no longer
// keeps up: the highest sustained rate on this machine.
//   stored / published  every published reading (both metrics) found in the telemetry table once the rules engine
//                       is idle again, counted with one Query per series after the level, so it adds no load
//   publish → stored    for a sample of about 10 messages a second: from the publish call until a consistent
//                       BatchGetItem on the readings' exact keys finds both, polled every 50 ms (so latencies are
//                       over-estimated by up to one poll), at most 25 samples per poll, oldest first
//   sustained           100 % stored, p99 ≤ 1 s, and every device stayed connected and sent what was asked (an
//                       overloaded platform also slows the authorizer, and devices it refuses stop sending)
//   throughput          stored readings / time from the level's first publish until the rules engine is idle again:
//                       the ingest capacity once a level saturates it
//   invocation          ingestTelemetry's durations as serverless-offline logs them during the level; the rules
//                       engine runs 4 at a time (scripts/platform/iot/rules-engine.ts), so capacity ≈ 4 / duration
// The devices and the sampler run in a child process, so their work does not count against the broker, which
// shares this process with the platform. Boots the platform like the integration tests, under the platform lock.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { emulatorPorts } from '../scripts/config/ports.cjs';
import { defaultEmulatorPorts, startPlatform } from '../scripts/platform';
import { localCredentials, localRegion } from '../scripts/platform/emulators';
import { repoRoot } from '../scripts/platform/service-definitions';
import type { DeviceCredentials } from '../scripts/things/credentials';
import { createDevice, mqttLinkWith, type DeviceEvent, type SimulatedDevice } from '../scripts/things/device';
import { seededRandom } from '../scripts/seeded-random';
import { createThermostat } from '../scripts/things/thermostat';
import { keys } from '../services/iot/src/adapters/keys';
import { api } from '../test/support/api';
import { createTestUser } from '../test/support/users';
import { percentile, round, runUnderPlatformLock, writeResult } from './support';
import type { RulesStats } from '../scripts/platform/iot/rules-engine';

const thingCount = 50;
const levelSeconds = Number(process.env.BENCH_INGEST_SECONDS ?? 20);
/** The levels the goal and the README name; always measured. */
const requiredRates = [10, 50, 200];
/** Stepped up until one is not sustained. 450 a second is 9 per thing, under the contract's 10 per thing. */
const sweepRates = [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 450];
const goal = { p99Ms: 1000, storedRatio: 1 };
const samplesPerSecond = 10;
const pollMs = 50;
const samplesPerPoll = 25;
/** A sample not stored this long after the level's last publish counts as never stored. */
const sampleTimeoutMs = 60_000;
/** An overloaded level drains for at most this long; what is not stored by then counts as lost. */
const drainTimeoutMs = 600_000;
const metrics = ['temp', 'humidity'] as const;
// serverless.yml: ${self:service}-${sls:stage}-telemetry with service photonotes-iot, stage local.
const telemetryTable = 'photonotes-iot-local-telemetry';

interface FleetThing {
  thingId: string;
  credentials: DeviceCredentials;
}

type ParentMessage = { type: 'init'; things: FleetThing[]; dynamodbPort: number } | { type: 'run'; totalRate: number; seconds: number; sample: boolean } | { type: 'stop' };

interface LevelRun {
  totalRate: number;
  startedAt: number;
  endedAt: number;
  /** [thingId, ts] of every published reading. */
  published: Array<[string, number]>;
  acked: number;
  errors: number;
  ackMs: number[];
  latencies: number[];
  unresolvedSamples: number;
  /** CPU time of the devices' process during the level (ms). */
  fleetCpuMs: number;
  /** Devices connected when the level ended, and readings they skipped while disconnected. */
  online: number;
  skipped: number;
  /** Devices whose link gave up (refused reconnects) during the level; reconnected before the next one. */
  refused: number;
}

type ChildMessage = { type: 'ready'; connected: number } | { type: 'level'; run: LevelRun } | { type: 'failed'; error: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function documentClient(port: number): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: localRegion, credentials: localCredentials }));
}

// ---------------------------------------------------------------------------------------------------------------
// The fleet (child process): 50 connected devices, a rate per level, and the sampler.

async function runFleet(): Promise<void> {
  let devices: SimulatedDevice[] = [];
  let db: DynamoDBDocumentClient | null = null;
  let listener: ((event: DeviceEvent) => void) | null = null;
  const send = (message: ChildMessage) => process.send?.(message);

  async function runLevel(totalRate: number, seconds: number, sample: boolean): Promise<LevelRun> {
    const published: Array<[string, number]> = [];
    const ackMs: number[] = [];
    const latencies: number[] = [];
    const pending: Array<{ thingId: string; ts: number; at: number }> = [];
    const every = Math.max(1, Math.round(totalRate / samplesPerSecond));
    // Devices the broker refused during the last level (their authorizer call timed out) start again.
    for (const device of devices) if (device.refused) await device.connect();
    const totals = () => devices.reduce((sum, device) => ({ acked: sum.acked + device.stats().acked, errors: sum.errors + device.stats().errors, skipped: sum.skipped + device.stats().skipped }), { acked: 0, errors: 0, skipped: 0 });
    const before = totals();
    listener = (event) => {
      if (event.type === 'published') {
        published.push([event.thingId, event.ts]);
        if (sample && published.length % every === 0) pending.push({ thingId: event.thingId, ts: event.ts, at: Date.now() });
      } else if (event.type === 'acked') ackMs.push(event.ms);
    };
    let publishing = true;
    let endedAt = Number.POSITIVE_INFINITY;
    const sampler = (async () => {
      while (publishing || (pending.length > 0 && Date.now() - endedAt < sampleTimeoutMs)) {
        await sleep(pollMs);
        const batch = pending.slice(0, samplesPerPoll);
        if (batch.length === 0 || !db) continue;
        const result = await db.send(
          new BatchGetCommand({
            RequestItems: {
              [telemetryTable]: {
                ConsistentRead: true,
                ProjectionExpression: 'pk, sk',
                Keys: batch.flatMap((item) => metrics.map((metric) => keys.telemetryItem(item.thingId, metric, 'raw', item.ts))),
              },
            },
          }),
        );
        const seenAt = Date.now();
        const found = new Set((result.Responses?.[telemetryTable] ?? []).map((item) => `${String(item.pk)}|${String(item.sk)}`));
        for (const item of batch) {
          const stored = metrics.every((metric) => {
            const key = keys.telemetryItem(item.thingId, metric, 'raw', item.ts);
            return found.has(`${key.pk}|${key.sk}`);
          });
          if (!stored) continue;
          latencies.push(seenAt - item.at);
          pending.splice(pending.indexOf(item), 1);
        }
      }
    })();
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    for (const device of devices) device.startPublishing(totalRate / devices.length);
    await sleep(seconds * 1000);
    for (const device of devices) device.stopPublishing();
    endedAt = Date.now();
    // Outstanding PUBACKs arrive within moments on a healthy broker.
    for (let waited = 0; waited < 10_000 && devices.some((device) => device.stats().acked + device.stats().errors < device.stats().sent); waited += 100) await sleep(100);
    publishing = false;
    await sampler;
    const cpu = process.cpuUsage(cpuBefore);
    listener = null;
    const after = totals();
    return {
      totalRate,
      startedAt,
      endedAt,
      published,
      acked: after.acked - before.acked,
      errors: after.errors - before.errors,
      ackMs,
      latencies,
      unresolvedSamples: pending.length,
      fleetCpuMs: (cpu.user + cpu.system) / 1000,
      online: devices.filter((device) => device.connected).length,
      skipped: after.skipped - before.skipped,
      refused: devices.filter((device) => device.refused).length,
    };
  }

  process.on('message', (message: ParentMessage) => {
    void (async () => {
      try {
        if (message.type === 'init') {
          db = documentClient(message.dynamodbPort);
          devices = message.things.map((thing, index) =>
            createDevice({
              thingId: thing.thingId,
              credentials: thing.credentials,
              rate: 1,
              qos: 1,
              random: seededRandom(index + 1),
              // Under overload the authorizer (in the same serverless-offline process as ingest) can time out.
              connect: mqttLinkWith({ refusalsBeforeGivingUp: 10 }),
              thermostat: createThermostat({ random: seededRandom(1000 + index) }),
              onEvent: (event) => listener?.(event),
            }),
          );
          for (const device of devices) await device.connect();
          send({ type: 'ready', connected: devices.filter((device) => device.connected).length });
        } else if (message.type === 'run') {
          send({ type: 'level', run: await runLevel(message.totalRate, message.seconds, message.sample) });
        } else {
          await Promise.all(devices.map((device) => device.stop()));
          db?.destroy();
          process.exit(0);
        }
      } catch (error) {
        send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The benchmark (parent): the platform, the things, the levels, the stored counts.

class Fleet {
  private constructor(private readonly child: ChildProcess) {}

  static start(): Fleet {
    const child = fork(__filename, ['--fleet'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Fleet(child);
  }

  private ask<T extends ChildMessage['type']>(message: ParentMessage, expected: T): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the fleet process exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: ChildMessage) => {
        this.child.off('exit', onExit);
        if (reply.type === expected) resolve(reply as Extract<ChildMessage, { type: T }>);
        else reject(new Error(reply.type === 'failed' ? `fleet: ${reply.error}` : `fleet answered ${reply.type}, expected ${expected}`));
      });
      this.child.send(message);
    });
  }

  init(things: FleetThing[], dynamodbPort: number) {
    return this.ask({ type: 'init', things, dynamodbPort }, 'ready');
  }

  async run(totalRate: number, seconds: number, sample = true): Promise<LevelRun> {
    return (await this.ask({ type: 'run', totalRate, seconds, sample }, 'level')).run;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    await Promise.race([exited, sleep(10_000)]);
    if (this.child.exitCode === null) this.child.kill();
  }
}


async function rulesStats(): Promise<RulesStats> {
  const response = await fetch(`http://127.0.0.1:${emulatorPorts(0).iotData}/health`);
  return ((await response.json()) as { rules: RulesStats }).rules;
}

/** Waits until every matched message has been handed to its function and finished (or given up). */
async function rulesIdle(): Promise<{ waitedMs: number; stats: RulesStats }> {
  const started = Date.now();
  for (;;) {
    const stats = await rulesStats();
    if (stats.delivered + stats.deadLettered + stats.undeliverable + stats.dropped >= stats.matched || Date.now() - started > drainTimeoutMs) return { waitedMs: Date.now() - started, stats };
    await sleep(250);
  }
}

/** How many of the published readings have both metrics in the telemetry table: one Query per series. */
async function countStored(db: DynamoDBDocumentClient, run: LevelRun): Promise<number> {
  const byThing = new Map<string, number[]>();
  for (const [thingId, ts] of run.published) byThing.set(thingId, [...(byThing.get(thingId) ?? []), ts]);
  let stored = 0;
  for (const [thingId, stamps] of byThing) {
    const found = await Promise.all(
      metrics.map(async (metric) => {
        const seen = new Set<number>();
        let start: Record<string, unknown> | undefined;
        do {
          const page = await db.send(
            new QueryCommand({
              TableName: telemetryTable,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':pk': keys.seriesPartition(thingId, metric, 'raw'), ':from': Math.min(...stamps), ':to': Math.max(...stamps) },
              ProjectionExpression: 'sk',
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of page.Items ?? []) seen.add(Number(item.sk));
          start = page.LastEvaluatedKey;
        } while (start);
        return seen;
      }),
    );
    stored += stamps.filter((ts) => found.every((seen) => seen.has(ts))).length;
  }
  return stored;
}

interface LevelResult {
  targetRate: number;
  achievedRate: number;
  seconds: number;
  published: number;
  acked: number;
  errors: number;
  stored: number;
  storedPercent: number;
  latencyMs: { samples: number; unresolved: number; p50: number | null; p99: number | null; max: number | null };
  ackMs: { p50: number | null; p99: number | null };
  drainMs: number;
  /** Stored readings a second from the first publish until the rules engine was idle again. */
  throughputPerSecond: number;
  invocationMs: { count: number; p50: number | null; p99: number | null };
  rules: { retries: number; deadLettered: number; dropped: number };
  fleetCpuShare: number;
  devices: { online: number; refused: number; skippedReadings: number };
  loadAverage1m: number;
  sustained: boolean;
}

/** ingestTelemetry's durations that serverless-offline logged between `from` and `to` (epoch ms). */
function invocationDurations(logFile: string, from: number, to: number): number[] {
  const durations: number[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const match = /^(\S+) .*\(λ: ingestTelemetry\) RequestId: \S+\s+Duration: ([\d.]+) ms/.exec(line);
    if (!match) continue;
    const at = Date.parse(match[1] as string);
    if (at >= from && at <= to) durations.push(Number(match[2]));
  }
  return durations;
}

async function measureLevel(fleet: Fleet, db: DynamoDBDocumentClient, rate: number, logFile: string): Promise<LevelResult> {
  const before = await rulesStats();
  const run = await fleet.run(rate, levelSeconds);
  const drained = await rulesIdle();
  const idleAt = Date.now();
  const stored = await countStored(db, run);
  const published = run.published.length;
  const seconds = (run.endedAt - run.startedAt) / 1000;
  const latencies = [...run.latencies, ...Array<number>(run.unresolvedSamples).fill(Number.POSITIVE_INFINITY)];
  const invocations = invocationDurations(logFile, run.startedAt, idleAt);
  const quantile = (values: number[], p: number) => (values.length === 0 ? null : Number.isFinite(percentile(values, p)) ? Math.round(percentile(values, p)) : null);
  const storedRatio = published === 0 ? 0 : stored / published;
  const p99 = latencies.length === 0 ? Number.POSITIVE_INFINITY : percentile(latencies, 99);
  const result: LevelResult = {
    targetRate: rate,
    achievedRate: round(published / seconds, 1),
    seconds: round(seconds, 1),
    published,
    acked: run.acked,
    errors: run.errors,
    stored,
    storedPercent: round(storedRatio * 100, 2),
    // null: beyond the sample timeout (never stored within it).
    latencyMs: { samples: run.latencies.length, unresolved: run.unresolvedSamples, p50: quantile(latencies, 50), p99: quantile(latencies, 99), max: quantile(latencies, 100) },
    ackMs: { p50: quantile(run.ackMs, 50), p99: quantile(run.ackMs, 99) },
    drainMs: drained.waitedMs,
    throughputPerSecond: round(stored / ((idleAt - run.startedAt) / 1000), 1),
    invocationMs: { count: invocations.length, p50: quantile(invocations, 50), p99: quantile(invocations, 99) },
    rules: { retries: drained.stats.retries - before.retries, deadLettered: drained.stats.deadLettered - before.deadLettered, dropped: drained.stats.dropped - before.dropped },
    fleetCpuShare: round(run.fleetCpuMs / 1000 / seconds, 2),
    devices: { online: run.online, refused: run.refused, skippedReadings: run.skipped },
    // The machine is shared: how busy it was as the level ended.
    loadAverage1m: round(os.loadavg()[0] ?? 0, 1),
    sustained: storedRatio >= goal.storedRatio && p99 <= goal.p99Ms && run.skipped === 0 && run.refused === 0,
  };
  console.log(
    `${rate} msg/s: published ${published} (${result.achievedRate}/s), stored ${result.storedPercent} %, publish→stored p50 ${ms(result.latencyMs.p50)} / p99 ${ms(result.latencyMs.p99)} (${result.latencyMs.samples} samples${run.unresolvedSamples ? `, ${run.unresolvedSamples} never seen` : ''}), PUBACK p99 ${result.ackMs.p99} ms, drained in ${drained.waitedMs} ms, ${result.throughputPerSecond} stored/s, ingest invocation p50 ${ms(result.invocationMs.p50)}, ${run.online}/${thingCount} online${run.skipped ? ` (${run.skipped} readings skipped offline)` : ''}, load ${result.loadAverage1m}: ${result.sustained ? 'sustained' : 'NOT sustained'}`,
  );
  // The next level starts from an idle platform.
  await sleep(3000);
  return result;
}

/** A latency for people: null is a sample never seen within the sample timeout. */
function ms(value: number | null): string {
  return value === null ? `>${sampleTimeoutMs / 1000} s` : value >= 1000 ? `${round(value / 1000, 1)} s` : `${value} ms`;
}

function describeLevel(level: LevelResult | undefined): string {
  if (!level) return 'not run';
  return `${level.targetRate} msg/s ${level.storedPercent} % stored, p50 ${ms(level.latencyMs.p50)} / p99 ${ms(level.latencyMs.p99)}`;
}

async function main(): Promise<void> {
  const logDir = path.join(repoRoot, '.local', 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'bench-ingest.log');
  const loadAtStart = round(os.loadavg()[0] ?? 0, 1);
  const platform = await startPlatform({
    port: 3000,
    host: '127.0.0.1',
    dataDir: null,
    logFile,
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
    emulatorPorts: defaultEmulatorPorts,
  });
  const db = documentClient(defaultEmulatorPorts.dynamodb);
  let fleet: Fleet | null = null;
  try {
    process.env.API_BASE_URL = platform.baseUrl;
    const user = await createTestUser('bench-ingest');
    const things: FleetThing[] = [];
    for (let i = 0; i < thingCount; i++) {
      const res = await api<{ thing: { thingId: string }; credentials: DeviceCredentials }>('/things', { method: 'POST', token: user.accessToken, body: { name: `bench-thermostat-${i + 1}` } });
      if (res.status !== 201) throw new Error(`POST /things answered ${res.status}: ${res.text}`);
      things.push({ thingId: res.body.thing.thingId, credentials: res.body.credentials });
    }
    fleet = Fleet.start();
    const ready = await fleet.init(things, defaultEmulatorPorts.dynamodb);
    if (ready.connected !== thingCount) throw new Error(`only ${ready.connected} of ${thingCount} devices connected`);

    // Warm-up: every function on the path (authorizer, ingest, presence, reported state) loads its bundle.
    await fleet.run(10, 5, false);
    await rulesIdle();
    await sleep(2000);

    const levels: LevelResult[] = [];
    let highestSustained: number | null = null;
    let firstFailure: number | null = null;
    for (const rate of sweepRates) {
      const level = await measureLevel(fleet, db, rate, logFile);
      levels.push(level);
      if (!level.sustained) {
        firstFailure = rate;
        break;
      }
      highestSustained = rate;
    }
    for (const rate of requiredRates) if (!levels.some((level) => level.targetRate === rate)) levels.push(await measureLevel(fleet, db, rate, logFile));
    levels.sort((a, b) => a.targetRate - b.targetRate);

    const at = (rate: number) => levels.find((level) => level.targetRate === rate);
    const atGoal = at(50);
    const ceiling = sweepRates[sweepRates.length - 1] as number;
    const highest = highestSustained === null ? 'none of the levels' : firstFailure === null ? `≥ ${highestSustained} msg/s (the most 50 things send under the 10/s per-thing limit)` : `${highestSustained} msg/s (not ${firstFailure})`;
    const result = {
      description: `${thingCount} simulated thermostats (scripts/things/device.ts), QoS 1, two metrics a message, ${levelSeconds} s per level, through the local IoT twin's broker and topic rule into iot's ingestTelemetry (serverless-offline) and DynamoDB Local; devices and sampler in a child process`,
      things: thingCount,
      levelSeconds,
      method: {
        stored: 'both metrics of every published reading found by one Query per series once the rules engine is idle',
        latency: `publish call → a consistent BatchGetItem on the reading's keys finds both metrics; a sample of ~${samplesPerSecond} messages/s, polled every ${pollMs} ms (over-estimates by up to one poll), at most ${samplesPerPoll} samples a poll, oldest first`,
        sustained: `${goal.storedRatio * 100} % stored, p99 ≤ ${goal.p99Ms} ms and no device refused or skipping readings offline`,
      },
      loadAverage1m: { atStart: loadAtStart, atEnd: round(os.loadavg()[0] ?? 0, 1) },
      // The capacity once saturated: the best throughput of any level.
      ingestCapacityPerSecond: Math.max(...levels.map((level) => level.throughputPerSecond)),
      levels,
      highestSustainedRate: highestSustained,
      firstUnsustainedRate: firstFailure,
      sweepCeiling: ceiling,
      meetsGoal: atGoal?.sustained ?? false,
      summary:
        `${thingCount} things, QoS 1: ${requiredRates.map((rate) => describeLevel(at(rate))).join('; ')}; highest sustained ${highest}; ` +
        `saturated ingest ${Math.max(...levels.map((level) => level.throughputPerSecond))} stored/s; ${os.cpus().length} CPUs, load ${loadAtStart}`,
      goal: 'p99 ≤ 1 s at 50 msg/s locally, 100 % stored',
    };
    console.log(result.summary);
    console.log(`written to ${writeResult('ingest', result)}`);
  } finally {
    await fleet?.stop();
    db.destroy();
    await platform.stop();
  }
}

if (process.argv.includes('--fleet')) {
  void runFleet();
} else {
  runUnderPlatformLock(__filename, main);
}
