// What the iot benchmarks share: the whole local platform on a free port range of its own (so a benchmark runs
// beside `npm run dev` and the integration tests, as the test platform does), a DynamoDB client on its
// DynamoDB Local, things registered through the API, MQTT devices, and polling.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { emulatorPorts } from '../scripts/config/ports.cjs';
import { platformPorts, startPlatform } from '../scripts/platform';
import type { Platform } from '../scripts/platform';
import { localCredentials, localRegion, quietSdkEnv } from '../scripts/platform/emulators';
import { isPortFree } from '../scripts/platform/net';
import { repoRoot } from '../scripts/platform/service-definitions';
import { api } from '../test/support/api';
import type { TestUser } from '../test/support/users';

Object.assign(process.env, quietSdkEnv);

/** Offsets tried in turn (not the test platform's, so the two do not race for one); every port stays below 32768. */
const candidateOffsets = [13_000, 23_000, 14_000, 15_000, 16_000];

export interface BenchPlatform {
  platform: Platform;
  ports: Record<'gateway' | 'dynamodb' | 'sns' | 's3' | 'cognito' | 'mqtt' | 'iotData' | 'sqs', number>;
  offset: number;
  /** A document client on the platform's DynamoDB Local. */
  dynamo: DynamoDBDocumentClient;
  tables: { things: string; telemetry: string };
  /** Every child's output: serverless-offline logs each invocation's `Duration: <ms> ms` there. */
  logFile: string;
  stop(): Promise<void>;
}

async function freeOffset(): Promise<number> {
  const pinned = process.env.BENCH_PORT_OFFSET;
  if (pinned !== undefined && pinned !== '') return Number(pinned);
  for (const offset of candidateOffsets) {
    let free = true;
    for (const { port } of platformPorts(offset)) {
      if (!(await isPortFree(port))) {
        free = false;
        break;
      }
    }
    if (free) return offset;
  }
  throw new Error(`No free port range for the benchmark platform (tried offsets ${candidateOffsets.join(', ')})`);
}

/** Boots the platform like the integration tests' global setup; API_BASE_URL points the test helpers at it. */
/** `logLevel`: the services' log level (default BENCH_LOG_LEVEL, else warn); `info` for benchmarks that read log lines. */
export async function startBenchPlatform(name: string, options: { logLevel?: string } = {}): Promise<BenchPlatform> {
  const offset = await freeOffset();
  const ports = emulatorPorts(offset) as BenchPlatform['ports'];
  const logDir = path.join(repoRoot, '.local', 'logs');
  mkdirSync(logDir, { recursive: true });
  const started = Date.now();
  const logFile = path.join(logDir, `bench-${name}.log`);
  const platform = await startPlatform({
    port: ports.gateway,
    host: '127.0.0.1',
    portOffset: offset,
    dataDir: null,
    logFile,
    logLevel: options.logLevel ?? process.env.BENCH_LOG_LEVEL ?? 'warn',
    emulatorPorts: ports,
  });
  console.log(`platform up on ${platform.baseUrl} (port offset ${offset}) in ${Math.round((Date.now() - started) / 1000)} s; log .local/logs/bench-${name}.log`);
  // Test helpers (test/support/*.ts) find the platform through the environment, as under the jest setup.
  process.env.API_BASE_URL = platform.baseUrl;
  process.env.DYNAMODB_PORT = String(ports.dynamodb);
  process.env.COGNITO_PORT = String(ports.cognito);
  process.env.PHOTONOTES_PORT_OFFSET = String(offset);
  process.env.TEST_COGNITO_ISSUER = platform.cognito.issuer;
  process.env.TEST_COGNITO_CLIENT_ID = platform.cognito.clientId;
  process.env.TEST_COGNITO_USER_POOL_ID = platform.cognito.userPoolId;
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: `http://127.0.0.1:${ports.dynamodb}`, region: localRegion, credentials: localCredentials }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    platform,
    ports,
    offset,
    dynamo,
    tables: { things: 'photonotes-iot-local-things', telemetry: 'photonotes-iot-local-telemetry' },
    logFile,
    async stop() {
      dynamo.destroy();
      await platform.stop();
    },
  };
}

export interface ThingCredentials {
  mqttUrl: string;
  clientId: string;
  username: string;
  password: string;
  topics: { telemetry: string; reported: string; desired: string };
}

/** Answers the body when the status is the expected one; serverless-offline answers a crashed handler with 200 and { errorMessage }. */
export async function check<T>(label: string, promise: Promise<{ status: number; body: T; text: string }>, expected: number): Promise<T> {
  const res = await promise;
  if (res.status !== expected || (typeof res.body === 'object' && res.body !== null && 'errorMessage' in res.body)) {
    throw new Error(`${label} answered ${res.status}: ${res.text.slice(0, 500)}`);
  }
  return res.body;
}

export async function registerThing(user: TestUser, name: string): Promise<{ thingId: string; credentials: ThingCredentials }> {
  const body = await check<{ thing: { thingId: string }; credentials: ThingCredentials }>('POST /things', api('/things', { method: 'POST', token: user.accessToken, body: { name } }), 201);
  return { thingId: body.thing.thingId, credentials: body.credentials };
}

/** A device as a real one connects: MQTT with the thing's credentials (on loopback's IPv4 address, where the broker listens). */
export function connectDevice(credentials: ThingCredentials): Promise<MqttClient> {
  return connectAsync(credentials.mqttUrl.replace('//localhost:', '//127.0.0.1:'), {
    clientId: credentials.clientId,
    username: credentials.username,
    password: credentials.password,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
}

/** Calls `fn` every `intervalMs` until `done` holds for its answer; the answer and when it was seen (performance.now()). */
export async function pollUntil<T>(fn: () => Promise<T>, done: (value: T) => boolean, options: { intervalMs: number; timeoutMs: number; what: string }): Promise<{ value: T; seenAt: number }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await fn();
    const seenAt = performance.now();
    if (done(value)) return { value, seenAt };
    if (Date.now() > deadline) throw new Error(`${options.what}: not seen within ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

/** Where the platform's log is now: invocationDurations(from) reads what was logged after it. */
export const logPosition = (bench: BenchPlatform): number => (existsSync(bench.logFile) ? statSync(bench.logFile).size : 0);

/** The `Duration: <ms> ms` serverless-offline logged for each invocation of `fn` after byte `from` of the log. */
export function invocationDurations(bench: BenchPlatform, fn: string, from: number): number[] {
  const text = readFileSync(bench.logFile).subarray(from).toString('utf8');
  const pattern = new RegExp(`\\(λ: ${fn}\\) RequestId: \\S+\\s+Duration: ([0-9.]+) ms`, 'g');
  return [...text.matchAll(pattern)].map((match) => Number(match[1]));
}

export { seededRandom, shuffle } from '../scripts/seeded-random';
