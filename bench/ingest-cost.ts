// What one telemetry message costs deployed, on the path the service uses (device → IoT Core → topic rule →
// Lambda ingestTelemetry per message → DynamoDB), and where a batch path (rule → Kinesis or SQS → one Lambda
// invocation per batch) would be cheaper.
//
// Measured here: the service's own ingest (domain/ingest.ts over the DynamoDB adapters) on DynamoDB Local with
// the tables of TABLES.md, behind a client that records every request: which operations one message makes
// (to check TABLES.md's "Access per operation"), each item's size, and so the read and write request units
// DynamoDB on-demand bills for them (a transaction's item: 2 WRU per KB; a write whose condition fails: still
// charged; a strongly consistent read: 1 RRU per 4 KB). DynamoDB Local's own ConsumedCapacity is not used: it
// does not double transactional writes and reports nothing for a failed condition. Also measured: the wall
// time of one ingest call, the part of a Lambda invocation's billed duration this code controls.
// Priced: with the us-east-1 list prices below (assumptions, dated), per million messages of one device
// sending one reading every 10 s (each message opens a new rate-limit second).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { DocumentCommand, DocumentSender } from '@photonotes/shared/dynamodb';
import { noMetrics } from '@photonotes/shared/metrics';
import { parse } from 'yaml';
import { alertRulesStore } from '../services/iot/src/adapters/alert-rules-store';
import { deviceStore } from '../services/iot/src/adapters/device-store';
import { stateStore } from '../services/iot/src/adapters/state-store';
import { telemetryTable } from '../services/iot/src/adapters/telemetry-table';
import { thingsTable } from '../services/iot/src/adapters/things-table';
import type { IotDeps } from '../services/iot/src/domain/deps';
import { ingestTelemetry } from '../services/iot/src/domain/ingest';
import type { IngestDeps } from '../services/iot/src/domain/ingest';
import { createThing } from '../services/iot/src/domain/registry';
import { defaultRetention } from '../services/iot/src/domain/resolutions';
import { localCredentials, localRegion, quietSdkEnv, startDynamoDbLocal } from '../scripts/platform/emulators';
import { isPortFree } from '../scripts/platform/net';
import { createLogSink, ProcessGroup } from '../scripts/platform/processes';
import { percentile, round, writeResult } from './support';

Object.assign(process.env, quietSdkEnv);

const messages = Number(process.env.BENCH_COST_MESSAGES ?? 300);
const warmup = 30;
/** The configured memory of the ingest function in prod (serverless.common.yml params.prod.memorySize). */
const memoryMb = 512;

/**
 * us-east-1 list prices (assumptions; re-check before relying on them). DynamoDB on-demand is the price since the
 * November 2024 cut and Lambda's arm64 rate, both seen on current pages when this was written (November 2026);
 * IoT Core (messages up to 5 KB, first billion a month; one rule, one action), SQS and Kinesis are their long-standing
 * list prices, not re-checked here.
 */
const prices = {
  date: '2026-11',
  iotMessagePerMillion: 1.0,
  iotRuleTriggeredPerMillion: 0.15,
  iotActionPerMillion: 0.15,
  lambdaRequestPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  dynamoWruPerMillion: 0.625,
  dynamoRruPerMillion: 0.125,
  /** CloudWatch Logs, per GB ingested. Sizes are assumptions: Lambda's START/END/REPORT lines per invocation, the function's info line per message. */
  logsPerGb: 0.5,
  logKbPerInvocation: 0.3,
  logKbPerMessage: 0.15,
  sqsRequestPerMillion: 0.4,
  kinesisShardHour: 0.015,
  /** Per million 25 KB PUT payload units (each small record is one). */
  kinesisPutUnitPerMillion: 0.014,
} as const;

/** Records per invocation of a batch consumer (Kinesis: up to 10,000; SQS: receives of 10). */
const kinesisBatch = 100;
/** The ingest function's duration deployed (an assumption: see main). */
const assumedDeployedMs = 40;
const sqsBatch = 10;
const hoursPerMonth = 730;

// --- DynamoDB request units, as on-demand bills them ---------------------------------------------------

/** An item's size by DynamoDB's rules: attribute names and values, numbers about 1 byte per 2 digits + 1. */
function valueBytes(value: NativeAttributeValue): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/[.e+-]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, item: NativeAttributeValue) => sum + 1 + valueBytes(item), 0);
  if (typeof value === 'object') return 3 + Object.entries(value as Record<string, NativeAttributeValue>).reduce((sum, [name, item]) => sum + 1 + Buffer.byteLength(name, 'utf8') + valueBytes(item), 0);
  return 1;
}

const itemBytes = (item: Record<string, NativeAttributeValue> | undefined): number =>
  item ? Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueBytes(value), 0) : 0;

const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));

/** Passes every request on and tallies operations and request units. */
class Meter implements DocumentSender {
  readonly operations = new Map<string, number>();
  wru = 0;
  rru = 0;
  largestItemBytes = 0;

  constructor(private readonly inner: DocumentSender) {}

  reset(): void {
    this.operations.clear();
    this.wru = 0;
    this.rru = 0;
  }

  private count(name: string): void {
    this.operations.set(name, (this.operations.get(name) ?? 0) + 1);
  }

  private sized(item: Record<string, NativeAttributeValue> | undefined): number {
    const bytes = itemBytes(item);
    this.largestItemBytes = Math.max(this.largestItemBytes, bytes);
    return bytes;
  }

  /** The stored item now (an update's size is the larger of before and after; these only grow or stay). */
  private async current(table: string, key: Record<string, NativeAttributeValue>): Promise<number> {
    const out = (await this.inner.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))) as { Item?: Record<string, NativeAttributeValue> };
    return this.sized(out.Item);
  }

  async send(command: DocumentCommand): Promise<unknown> {
    try {
      const out = await this.inner.send(command);
      await this.charge(command, out, false);
      return out;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') await this.charge(command, undefined, true);
      throw err;
    }
  }

  private async charge(command: DocumentCommand, out: unknown, conditionFailed: boolean): Promise<void> {
    if (command instanceof GetCommand) {
      this.count('GetItem');
      this.rru += (command.input.ConsistentRead ? 1 : 0.5) * units(this.sized((out as { Item?: Record<string, NativeAttributeValue> }).Item), 4096);
    } else if (command instanceof BatchGetCommand) {
      // Each key is billed as a GetItem: a key that finds nothing still costs a read.
      this.count('BatchGetItem');
      const strength = Object.values(command.input.RequestItems ?? {}).some((request) => request.ConsistentRead) ? 1 : 0.5;
      const requested = Object.values(command.input.RequestItems ?? {}).reduce((sum, request) => sum + (request.Keys?.length ?? 0), 0);
      const found = Object.values((out as { Responses?: Record<string, Array<Record<string, NativeAttributeValue>>> }).Responses ?? {}).flat();
      this.rru += strength * (found.reduce((sum, item) => sum + units(this.sized(item), 4096), 0) + (requested - found.length));
    } else if (command instanceof QueryCommand) {
      this.count('Query');
      const bytes = ((out as { Items?: Array<Record<string, NativeAttributeValue>> }).Items ?? []).reduce((sum, item) => sum + this.sized(item), 0);
      this.rru += (command.input.ConsistentRead ? 1 : 0.5) * units(bytes, 4096);
    } else if (command instanceof UpdateCommand) {
      this.count(conditionFailed ? 'UpdateItem (condition failed)' : 'UpdateItem');
      const bytes = await this.current(command.input.TableName as string, command.input.Key as Record<string, NativeAttributeValue>);
      this.wru += units(bytes, 1024);
    } else if (command instanceof PutCommand) {
      this.count(conditionFailed ? 'PutItem (condition failed)' : 'PutItem');
      this.wru += units(this.sized(command.input.Item), 1024);
    } else if (command instanceof TransactWriteCommand) {
      const items = command.input.TransactItems ?? [];
      this.count(`TransactWriteItems (${items.length} items)`);
      // Sized first, added after: `wru += await ...` would read wru before the await and lose concurrent additions.
      let wru = 0;
      for (const item of items) {
        if (item.Put) wru += 2 * units(this.sized(item.Put.Item), 1024);
        else if (item.Update) wru += 2 * units(await this.current(item.Update.TableName as string, item.Update.Key as Record<string, NativeAttributeValue>), 1024);
        else wru += 2;
      }
      this.wru += wru;
    } else {
      this.count(command.constructor.name);
    }
  }
}

// --- the run ------------------------------------------------------------------------------------------

type TableResource = { Properties: Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes' | 'BillingMode'> };

async function createTables(raw: DynamoDBClient, names: { ThingsTable: string; TelemetryTable: string }): Promise<void> {
  const text = readFileSync(path.join(__dirname, '..', 'services', 'iot', 'TABLES.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error('TABLES.md has no yaml block');
  const declared = parse(block) as Record<'ThingsTable' | 'TelemetryTable', TableResource>;
  for (const [resource, TableName] of Object.entries(names) as Array<['ThingsTable' | 'TelemetryTable', string]>) {
    const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } = declared[resource].Properties;
    await raw.send(new CreateTableCommand({ TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode }));
  }
}

async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 50; port++) if (await isPortFree(port)) return port;
  throw new Error(`no free port from ${from}`);
}

interface Scenario {
  name: string;
  metrics: number;
}

async function measure(deps: IotDeps & IngestDeps, meter: Meter, thingId: string, scenario: Scenario) {
  const start = Date.now() - 3 * 3_600_000;
  const send = (index: number) => {
    const ts = start + index * 10_000;
    const metrics = Object.fromEntries(Array.from({ length: scenario.metrics }, (_, m) => [`m${m}`, 20 + ((index * 7 + m) % 13) / 2]));
    return ingestTelemetry({ thingId, payload: JSON.stringify({ ts, metrics }), receivedAt: ts + 120 }, deps);
  };
  for (let i = 0; i < warmup; i++) await send(i);
  meter.reset();
  const ms: number[] = [];
  for (let i = warmup; i < warmup + messages; i++) {
    const t0 = performance.now();
    const outcome = await send(i);
    ms.push(performance.now() - t0);
    if (outcome.status !== 'stored' || outcome.readings.inserted !== scenario.metrics) throw new Error(`message ${i}: ${JSON.stringify(outcome)}`);
  }
  const perMessage = Object.fromEntries([...meter.operations].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, count]) => [name, round(count / messages, 2)]));
  return { ...scenario, messages, operationsPerMessage: perMessage, wruPerMessage: round(meter.wru / messages, 2), rruPerMessage: round(meter.rru / messages, 2), ingestMs: { p50: round(percentile(ms, 50), 1), p90: round(percentile(ms, 90), 1) } };
}

type Measured = Awaited<ReturnType<typeof measure>>;

/** Dollars per million invocations for Lambda's own log lines (what a batch consumer logs once per batch). */
const invocationLogs = () => (prices.logKbPerInvocation / 1024 / 1024) * prices.logsPerGb * 1e6;

type CostPart = 'iotMessages' | 'iotRule' | 'lambdaRequests' | 'lambdaDuration' | 'logs' | 'dynamodbWrites' | 'dynamodbReads';

/** Dollars per million messages on the chosen path, by part. */
function perMillion(run: Measured, durationMs: number) {
  const parts: Record<CostPart, number> = {
    iotMessages: prices.iotMessagePerMillion,
    iotRule: prices.iotRuleTriggeredPerMillion + prices.iotActionPerMillion,
    lambdaRequests: prices.lambdaRequestPerMillion,
    lambdaDuration: (durationMs / 1000) * (memoryMb / 1024) * prices.lambdaArmGbSecond * 1e6,
    logs: ((prices.logKbPerInvocation + prices.logKbPerMessage) / 1024 / 1024) * prices.logsPerGb * 1e6,
    dynamodbWrites: run.wruPerMessage * prices.dynamoWruPerMillion,
    dynamodbReads: run.rruPerMessage * prices.dynamoRruPerMillion,
  };
  const total = Object.values(parts).reduce((sum, value) => sum + value, 0);
  for (const name of Object.keys(parts) as CostPart[]) parts[name] = round(parts[name], 3);
  return { durationMs, parts, total: round(total, 2) };
}

/**
 * The batch paths keep the messages, the rule and DynamoDB's work per reading; they replace the per-message
 * Lambda request, most of its duration (a batch's readings are written concurrently, so a batch takes about
 * one message's time: an assumption) and Lambda's own log lines per invocation by the queue's own charges.
 */
function batchPaths(chosen: ReturnType<typeof perMillion>) {
  const perMessageLambda = chosen.parts.lambdaRequests + chosen.parts.lambdaDuration + invocationLogs();
  const sqsAdded = prices.sqsRequestPerMillion * (1 + 2 / sqsBatch);
  const sqsSaved = perMessageLambda * (1 - 1 / sqsBatch);
  const kinesisSaved = perMessageLambda * (1 - 1 / kinesisBatch) - prices.kinesisPutUnitPerMillion;
  const shardMonth = prices.kinesisShardHour * hoursPerMonth;
  const breakEvenPerMonth = (shardMonth / kinesisSaved) * 1e6;
  return {
    durationMs: chosen.durationMs,
    // SendMessage per message, a receive and a delete per batch; no fixed cost, so it is cheaper or dearer per message at any rate.
    sqs: { batch: sqsBatch, addedPerMillion: round(sqsAdded, 3), savedPerMillion: round(sqsSaved, 3), cheaper: sqsSaved > sqsAdded },
    // One provisioned shard per 1,000 records/s in: above the break-even rate the per-message saving pays for it.
    kinesis: {
      batch: kinesisBatch,
      shardMonth: round(shardMonth, 2),
      savedPerMillion: round(kinesisSaved, 3),
      breakEvenMessagesPerMonth: Math.round(breakEvenPerMonth),
      breakEvenMessagesPerSecond: round(breakEvenPerMonth / (hoursPerMonth * 3600), 1),
    },
  };
}

/** The per-message function duration above which an SQS batch path is cheaper per message. */
function sqsThresholdMs(): number {
  const sqsAdded = prices.sqsRequestPerMillion * (1 + 2 / sqsBatch);
  const logs = invocationLogs();
  const dollarsPerMs = (1 / 1000) * (memoryMb / 1024) * prices.lambdaArmGbSecond * 1e6;
  return round((sqsAdded / (1 - 1 / sqsBatch) - prices.lambdaRequestPerMillion - logs) / dollarsPerMs, 0);
}

async function main(): Promise<void> {
  const port = await freePort(Number(process.env.BENCH_DYNAMODB_PORT ?? 8126));
  const group = new ProcessGroup(createLogSink(), () => undefined);
  await startDynamoDbLocal(group, { port, dataDir: null });
  const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: localRegion, credentials: localCredentials });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  try {
    const names = { ThingsTable: 'bench-iot-things', TelemetryTable: 'bench-iot-telemetry' };
    await createTables(raw, names);
    const meter = new Meter(client);
    const tableName = names.ThingsTable;
    const deps: IotDeps & IngestDeps = {
      things: thingsTable({ tableName, client: meter }),
      devices: deviceStore({ tableName, client: meter }),
      states: stateStore({ tableName, client: meter }),
      alertRules: alertRulesStore({ tableName, client: meter }),
      telemetry: telemetryTable({ thingsTableName: tableName, telemetryTableName: names.TelemetryTable, client: meter }),
      plane: { publishDesired: () => Promise.resolve(), clearDesired: () => Promise.resolve(), disconnect: () => Promise.resolve() },
      alerts: { publish: () => Promise.reject(new Error('no rule fires in this benchmark')) },
      // What DynamoDB costs is measured here; a thing.telemetry publish is one SNS request per stored message on top.
      thingEvents: { state: () => Promise.resolve(), telemetry: () => Promise.resolve() },
      config: { retention: defaultRetention, endpoint: { mqttUrl: 'mqtt://localhost:1883', usernameFormat: '{thingId}' }, credentialKeys: { secret: 'bench-ingest-cost-credential-secret-000000' } },
      now: () => new Date(),
      newId: randomUUID,
      metrics: noMetrics,
    };
    const runs: Measured[] = [];
    for (const scenario of [
      { name: 'one metric per message', metrics: 1 },
      { name: 'three metrics per message', metrics: 3 },
    ]) {
      const { thing } = await createThing({ name: scenario.name }, { userId: 'bench-owner' }, deps);
      // A rule on the metric that never fires: the usual case, and the rule set is read every message anyway.
      await deps.alertRules.replace(thing.thingId, [{ id: 'r1', metric: 'm0', op: 'gt', threshold: 1000, forSeconds: 0 }]);
      const run = await measure(deps, meter, thing.thingId, scenario);
      console.log(`${scenario.name}: ${JSON.stringify(run)}`);
      runs.push(run);
    }
    const one = runs[0] as Measured;
    const chosen = perMillion(one, one.ingestMs.p50);
    // Deployed, the same calls go to DynamoDB over the network: four sequential requests (rate window, rule set and
    // heads, readings and buckets, the transaction) of roughly 5 to 15 ms each. An assumption, not a measurement.
    const assumed = perMillion(one, assumedDeployedMs);
    const perDeviceMonth = round((assumed.total * 259_200) / 1e6, 2);
    const result = {
      description: `the service's ingest (domain + DynamoDB adapters) on DynamoDB Local with TABLES.md's tables, ${messages} messages after ${warmup} warm-up, one reading every 10 s; request units counted by DynamoDB on-demand's billing rules; priced at us-east-1 list prices (${prices.date}, assumptions)`,
      runs,
      largestItemBytes: meter.largestItemBytes,
      prices,
      lambda: { memoryMb, architecture: 'arm64', measuredMs: one.ingestMs.p50, assumedDeployedMs },
      perMillion: { measuredDuration: chosen, assumedDeployedDuration: assumed },
      perDeviceMonthAtOnePer10s: perDeviceMonth,
      batchPaths: { measuredDuration: batchPaths(chosen), assumedDeployedDuration: batchPaths(assumed), sqsCheaperAboveMs: sqsThresholdMs() },
      summary:
        `one-metric message: ${one.wruPerMessage} WRU + ${one.rruPerMessage} RRU, ingest ${one.ingestMs.p50} ms locally; deployed ≈ $${assumed.total} per million messages at ${assumedDeployedMs} ms ` +
        `($${chosen.total} at the local ${one.ingestMs.p50} ms), DynamoDB $${round(assumed.parts.dynamodbWrites + assumed.parts.dynamodbReads, 2)} of it; ` +
        `a Kinesis batch path pays off above ~${batchPaths(assumed).kinesis.breakEvenMessagesPerSecond} msg/s sustained (${batchPaths(chosen).kinesis.breakEvenMessagesPerSecond} at the local duration), SQS once a message takes over ${sqsThresholdMs()} ms`,
      goal: '— (cost note, README: Things)',
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${writeResult('ingest-cost', result)}`);
  } finally {
    client.destroy();
    await group.stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
