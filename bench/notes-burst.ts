// Bursts of one owner: 1, 5 and 20 concurrent writers of ONE user, as an offline-first app coming back online
// with a backlog does. Every write of an owner commits through the owner's change-feed head (note-feed.ts),
// so this is the worst case of that serialisation.
//   http     creates, then patches (each writer patches a note of its own), for a fixed time per level, through
//            the local gateway (at most 6 requests in flight per service, the rest queued): throughput,
//            p50/p99 latency, errors (any non-2xx answer; the goal is none), and afterwards every acknowledged
//            id must be in GET /sync from the start.
//   dynamodb the DynamoDB work per write: the same domain code (createNote / updateNote on the real repository)
//            run in this process against the platform's DynamoDB Local, one repository per writer (like one
//            Lambda container each), all through a client that counts requests and sums the capacity
//            DynamoDB reports (ReturnConsumedCapacity; a cancelled transaction reports none, so failed
//            commits are counted as requests only). "Extra" is per write, against the single writer.
// Boots the platform like the integration tests, on a free port range of its own.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableClient } from '@photonotes/shared/dynamodb';
import { noMetrics } from '@photonotes/shared/metrics';
import { emulatorPorts } from '../scripts/config/ports.cjs';
import { startPlatform } from '../scripts/platform';
import { repoRoot } from '../scripts/platform/service-definitions';
import { knownUsers } from '../services/core-api/src/adapters/known-users';
import { notesRepository } from '../services/core-api/src/adapters/notes-repository';
import { createNote } from '../services/core-api/src/domain/create-note';
import type { NotesDeps } from '../services/core-api/src/domain/deps';
import { updateNote } from '../services/core-api/src/domain/update-note';
import { choosePortOffset } from '../test/setup/global-setup';
import { api } from '../test/support/api';
import { createTestUser } from '../test/support/users';
import type { TestUser } from '../test/support/users';
import { percentile, round, writeResult } from './support';

const levels = [1, 5, 20];
const seconds = Number(process.env.BENCH_BURST_SECONDS ?? 10);
const writesPerLevel = Number(process.env.BENCH_BURST_DYNAMODB_WRITES ?? 200);

interface LevelResult {
  writers: number;
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface Op {
  /** One request; resolves with its status. */
  (writer: number, n: number): Promise<{ status: number; id?: string }>;
}

async function runLevel(writers: number, op: Op, acknowledged: Set<string>): Promise<LevelResult> {
  const latencies: number[] = [];
  let errors = 0;
  const errorSamples: string[] = [];
  const endAt = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; Date.now() < endAt; n++) {
        const t0 = performance.now();
        const res = await op(writer, n);
        latencies.push(performance.now() - t0);
        if (res.status >= 200 && res.status < 300 && res.id) acknowledged.add(res.id);
        else {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(String(res.status));
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  if (errorSamples.length > 0) console.log(`  ${writers} writers: errors, e.g. status ${errorSamples.join(', ')}`);
  return {
    writers,
    requests: latencies.length,
    errors,
    perSecond: round(latencies.length / elapsed, 1),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(percentile(latencies, 100), 1),
  };
}

function answered(res: { status: number; body: unknown }): { status: number; id?: string } {
  // serverless-offline answers a timed-out or crashed handler with 200 and { errorMessage }: an error too.
  const body = res.body as { id?: string; errorMessage?: string } | null;
  if (body && typeof body === 'object' && 'errorMessage' in body) return { status: 599 };
  return body?.id ? { status: res.status, id: body.id } : { status: res.status };
}

async function syncedIds(user: TestUser): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const res = await api<{ changes: Array<{ op: string; note?: { id: string } }>; cursor: string; hasMore: boolean }>(`/sync${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, { token: user.accessToken });
    if (res.status !== 200) throw new Error(`GET /sync answered ${res.status}: ${res.text}`);
    for (const change of res.body.changes) if (change.note) ids.add(change.note.id);
    if (!res.body.hasMore) return ids;
    cursor = res.body.cursor;
  }
}

async function httpPhase() {
  const results: Record<'create' | 'patch', LevelResult[]> = { create: [], patch: [] };
  let missingFromSync = 0;
  for (const writers of levels) {
    const user = await createTestUser(`bench-burst-${writers}`);
    const acknowledged = new Set<string>();
    // Warm-up: every function the level uses has loaded its bundle.
    const warm = answered(await api('/notes', { method: 'POST', token: user.accessToken, body: { title: 'warm-up' } }));
    if (!warm.id) throw new Error(`warm-up POST /notes answered ${warm.status}`);
    const create: Op = async (writer, n) => answered(await api('/notes', { method: 'POST', token: user.accessToken, body: { id: randomUUID(), title: `burst ${writer}.${n}`, body: 'offline backlog' } }));
    results.create.push(await runLevel(writers, create, acknowledged));
    const own = [...acknowledged].slice(0, writers);
    const patch: Op = async (writer, n) => answered(await api(`/notes/${own[writer] as string}`, { method: 'PATCH', token: user.accessToken, body: { body: `edit ${n}` } }));
    results.patch.push(await runLevel(writers, patch, new Set()));
    const synced = await syncedIds(user);
    missingFromSync += [...acknowledged].filter((id) => !synced.has(id)).length;
  }
  return { ...results, missingFromSync };
}

/** Requests and reported capacity, by operation, through one client shared by every writer's repository. */
function countingClient(dynamodbPort: number) {
  const counts = { requests: 0, transactions: 0, capacityUnits: 0 };
  const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${dynamodbPort}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      counts.requests++;
      if (context.commandName === 'TransactWriteItemsCommand') counts.transactions++;
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }).ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) counts.capacityUnits += entry.CapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name: 'benchCount' },
  );
  return { client: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }), counts };
}

async function dynamodbPhase(dynamodbPort: number) {
  const tables = await countingClient(dynamodbPort).client.send(new ListTablesCommand({}));
  const notesTable = tables.TableNames?.find((name) => name.includes('core-api-') && name.endsWith('-notes'));
  if (!notesTable) throw new Error(`no core-api notes table among ${String(tables.TableNames)}`);
  const out: Array<{ writers: number; op: string; writes: number; requestsPerWrite: number; transactionsPerWrite: number; capacityPerWrite: number }> = [];
  for (const writers of levels) {
    const { client, counts } = countingClient(dynamodbPort);
    // One repository per writer: each has its own sequence state, as separate Lambda containers would.
    const deps: NotesDeps[] = Array.from({ length: writers }, () => ({ notes: notesRepository({ tableName: notesTable, client }), users: knownUsers(tableClient({ tableName: notesTable, client })), verifyPhotoKey: () => false, clock: { now: () => new Date() }, newId: randomUUID, metrics: noMetrics }));
    const caller = { userId: `bench-burst-dynamodb-${writers}-${randomUUID()}` };
    const perWriter = Math.ceil(writesPerLevel / writers);
    const ids: string[][] = deps.map(() => []);
    for (const op of ['create', 'patch'] as const) {
      const before = { ...counts };
      await Promise.all(
        deps.map(async (writerDeps, w) => {
          for (let n = 0; n < perWriter; n++) {
            if (op === 'create') ids[w]?.push((await createNote({ title: `burst ${w}.${n}` }, caller, writerDeps)).note.id);
            else await updateNote({ id: ids[w]?.[n] as string, patch: { body: `edit ${n}` }, expectedVersion: undefined }, caller, writerDeps);
          }
        }),
      );
      const writes = perWriter * writers;
      out.push({
        writers,
        op,
        writes,
        requestsPerWrite: round((counts.requests - before.requests) / writes, 2),
        transactionsPerWrite: round((counts.transactions - before.transactions) / writes, 2),
        capacityPerWrite: round((counts.capacityUnits - before.capacityUnits) / writes, 2),
      });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const logDir = path.join(repoRoot, '.local', 'logs');
  mkdirSync(logDir, { recursive: true });
  const offset = await choosePortOffset();
  const ports = emulatorPorts(offset);
  const platform = await startPlatform({
    port: ports.gateway,
    host: '127.0.0.1',
    portOffset: offset,
    dataDir: null,
    logFile: path.join(logDir, 'bench-notes-burst.log'),
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
    emulatorPorts: ports,
  });
  try {
    process.env.API_BASE_URL = platform.baseUrl;
    process.env.PHOTONOTES_PORT_OFFSET = String(offset);
    process.env.COGNITO_PORT = String(ports.cognito);
    process.env.DYNAMODB_PORT = String(ports.dynamodb);
    process.env.TEST_COGNITO_ISSUER = platform.cognito.issuer;
    process.env.TEST_COGNITO_CLIENT_ID = platform.cognito.clientId;
    process.env.TEST_COGNITO_USER_POOL_ID = platform.cognito.userPoolId;
    const http = await httpPhase();
    console.log(JSON.stringify(http));
    const dynamodb = await dynamodbPhase(ports.dynamodb);
    const single = (op: string) => dynamodb.find((row) => row.writers === 1 && row.op === op);
    const dynamodbWork = dynamodb.map((row) => ({ ...row, extraRequestsPerWrite: round(row.requestsPerWrite - (single(row.op)?.requestsPerWrite ?? 0), 2) }));
    const at20 = (rows: LevelResult[]) => rows.find((row) => row.writers === 20) as LevelResult;
    const errors = [...http.create, ...http.patch].reduce((sum, row) => sum + row.errors, 0);
    const extra20 = dynamodbWork.filter((row) => row.writers === 20).map((row) => `${row.op} +${row.extraRequestsPerWrite}`);
    const result = {
      secondsPerLevel: seconds,
      http,
      dynamodbWork,
      summary:
        `20 writers of one user: create ${at20(http.create).perSecond}/s p50 ${at20(http.create).p50Ms} ms p99 ${at20(http.create).p99Ms} ms, ` +
        `patch ${at20(http.patch).perSecond}/s p99 ${at20(http.patch).p99Ms} ms; ${errors} errors, ${http.missingFromSync} acknowledged writes missing from /sync; ` +
        `DynamoDB requests per write vs 1 writer: ${extra20.join(', ')}`,
      goal: '0 errors, p99 ≤ 1 s, every acknowledged write in /sync',
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${writeResult('notes-burst', result)}`);
  } finally {
    await platform.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
