// Write → realtime message, at the client (API.md "Realtime": locally within 2 s of the HTTP response).
//   users   1, 50 and 200 different users, one connection each through the gateway's /realtime (the `ws`
//           package, as a Node app would use). Each user creates notes of its own (a fixed number of writes per
//           level, at most `BENCH_REALTIME_CONCURRENCY` requests in flight); the latency of a write is from its
//           HTTP 201 to the `note.changed` upsert of that note at the writer's connection.
//   devices one user with 5 connections (phone, tablet, laptop…), the same writes and concurrency: the latency
//           until the change reached every one.
//   dead    the same user and 5 connections, one of them dead: its socket destroyed without a close frame behind a
//           proxy that keeps the server's side open, as a phone that lost its network looks to API Gateway until
//           the idle timeout. Every message is still posted to it; the latency until the 4 live ones have it
//           shows whether it holds them up (API.md: one slow or dead connection never delays the others).
//   fan-out what one message costs, per level: PostToConnection calls (and DynamoDB requests, when the line has
//           them) per message and the fan-out's duration, read from the notifications service's `realtime
//           fan-out` log lines logged during the level.
// Between levels every socket is closed a few at a time and the benchmark waits until serverless-offline ran each
// `$disconnect`: a storm of them left running would slow the next level's first writes (a harness artifact, not
// the realtime path). Each level with connections opens them a few at a time and starts with one unmeasured write.
// Goal: p99 ≤ 1 s at 200 users, no message missing, seq without gaps on every live connection.
// Boots the platform like the integration tests, on a free port range of its own.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import WebSocket from 'ws';
import { api } from '../test/support/api';
import { createTestUser } from '../test/support/users';
import type { TestUser } from '../test/support/users';
import { invocationDurations, logPosition, pollUntil, startBenchPlatform } from './iot-support';
import type { BenchPlatform } from './iot-support';
import { percentile, round, writeResult } from './support';

const levels = (process.env.BENCH_REALTIME_USERS ?? '1,50,200').split(',').map(Number);
const writesPerLevel = Number(process.env.BENCH_REALTIME_WRITES ?? 200);
const concurrency = Number(process.env.BENCH_REALTIME_CONCURRENCY ?? 10);
const deviceWrites = Number(process.env.BENCH_REALTIME_DEVICE_WRITES ?? 200);
const deviceConnections = 5;
/** Connections open, and close, this many at a time. */
const connectionBatch = 5;
const messageTimeoutMs = 15_000;
const disconnectTimeoutMs = 60_000;

interface Frame {
  type: string;
  seq?: number;
  change?: { op: string; note?: { id: string } };
}

/** One connection: the arrival time of each note's upsert, and the seq numbers seen. */
class Listener {
  readonly arrivals = new Map<string, number>();
  readonly seqs: number[] = [];
  private readonly waiters = new Map<string, () => void>();

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const at = performance.now();
      const frame = JSON.parse(String(data)) as Frame;
      if (typeof frame.seq === 'number') this.seqs.push(frame.seq);
      const id = frame.type === 'note.changed' && frame.change?.op === 'upsert' ? frame.change.note?.id : undefined;
      if (id === undefined || this.arrivals.has(id)) return;
      this.arrivals.set(id, at);
      this.waiters.get(id)?.();
    });
    // A socket destroyed under it (the dead connection) emits its error here rather than crashing the benchmark.
    socket.on('error', () => undefined);
  }

  /** When the upsert of `id` arrived (performance.now()), or undefined after the timeout. */
  arrival(id: string): Promise<number | undefined> {
    const known = this.arrivals.get(id);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        resolve(undefined);
      }, messageTimeoutMs);
      this.waiters.set(id, () => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(this.arrivals.get(id));
      });
    });
  }

  /** Closes with a close frame and resolves once the server answered it (or, after 10 s, drops the socket). */
  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.terminate(), 10_000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close();
    });
  }

  /** Seq numbers that are not consecutive (a message went missing, or came twice). */
  gaps(): number {
    const sorted = [...this.seqs].sort((a, b) => a - b);
    let gaps = 0;
    for (let i = 1; i < sorted.length; i++) if ((sorted[i] as number) !== (sorted[i - 1] as number) + 1) gaps++;
    return gaps;
  }
}

function connect(baseUrl: string, token: string): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/realtime?token=${encodeURIComponent(token)}`);
    const listener = new Listener(socket);
    socket.once('open', () => resolve(listener));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused with ${res.statusCode}`)));
  });
}

/**
 * A TCP proxy for one connection to the gateway. `kill()` destroys the client's socket (no close frame) and stops
 * forwarding while the server's side stays open and unread: the server keeps the connection and posts to it, as
 * API Gateway does to a client that vanished. `release()` closes the server's side (its `$disconnect` runs then).
 */
async function deadEnd(gatewayPort: number): Promise<{ baseUrl: string; kill(): void; release(): Promise<void> }> {
  let client: net.Socket | undefined;
  let upstream: net.Socket | undefined;
  const server = net.createServer((socket) => {
    client = socket;
    upstream = net.connect(gatewayPort, '127.0.0.1');
    for (const side of [client, upstream]) side.on('error', () => undefined);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on('close', () => client?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    kill() {
      if (!client || !upstream) throw new Error('The dead-end proxy has no connection');
      upstream.unpipe(client);
      client.unpipe(upstream);
      upstream.pause();
      client.destroy();
    },
    async release() {
      upstream?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs `task` for 0..count-1 with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Waits until the log holds `count` `$disconnect` invocations after byte `from`; the number seen (fewer after the timeout). */
async function disconnectsRun(bench: BenchPlatform, from: number, count: number): Promise<number> {
  const seen = async () => invocationDurations(bench, 'realtimeDisconnect', from).length;
  return pollUntil(seen, (n) => n >= count, { intervalMs: 100, timeoutMs: disconnectTimeoutMs, what: `${count} $disconnect invocations` }).then(
    ({ value }) => value,
    () => seen(),
  );
}

/**
 * Closes the connections `connectionBatch` at a time, each batch once the previous one's `$disconnect`s ran, then
 * closes `extra` (the dead connection's server side); resolves once every `$disconnect` ran (or after a timeout:
 * the ones missing are reported).
 */
async function closeAll(bench: BenchPlatform, listeners: Listener[], extra?: () => Promise<void>): Promise<{ disconnects: number; disconnectsMissing: number }> {
  const from = logPosition(bench);
  const open = listeners.filter((listener) => listener.socket.readyState === WebSocket.OPEN);
  let closed = 0;
  let seen = 0;
  for (let i = 0; i < open.length; i += connectionBatch) {
    const batch = open.slice(i, i + connectionBatch);
    await Promise.all(batch.map((listener) => listener.close()));
    closed += batch.length;
    seen = await disconnectsRun(bench, from, closed);
  }
  if (extra) {
    await extra();
    closed++;
    seen = await disconnectsRun(bench, from, closed);
  }
  if (seen < closed) console.warn(`${closed - seen} of ${closed} $disconnect invocations not seen within ${disconnectTimeoutMs / 1000} s`);
  return { disconnects: seen, disconnectsMissing: Math.max(0, closed - seen) };
}

interface FanOutRow {
  posts: number;
  sent: number;
  gone: number;
  timedOut: number;
  failed: number;
  dynamodbRequests?: number;
  durationMs: number;
}

/**
 * The notifications service's fan-out log lines after byte `from` ({ message: 'realtime fan-out', eventId, posts,
 * sent, gone, timedOut, failed, durationMs }, and `dynamodbRequests` once the service counts them) about the notes
 * `noteIds` (a line is logged once the posts are done, so the warm-up's may come after `from`).
 */
function fanOutRows(logFile: string, from: number, noteIds: ReadonlySet<string>): FanOutRow[] {
  const rows: FanOutRow[] = [];
  for (const line of readFileSync(logFile).subarray(from).toString('utf8').split('\n')) {
    if (!line.includes('realtime fan-out')) continue;
    const start = line.indexOf('{');
    if (start < 0) continue;
    try {
      const entry = JSON.parse(line.slice(start)) as Partial<Record<keyof FanOutRow | 'eventId', unknown>>;
      const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
      if (typeof entry.posts !== 'number' || typeof entry.durationMs !== 'number') continue;
      // eventId: `note.changed:<noteId>:<version>`.
      const noteId = typeof entry.eventId === 'string' ? entry.eventId.split(':')[1] : undefined;
      if (noteId === undefined || !noteIds.has(noteId)) continue;
      rows.push({
        posts: entry.posts,
        sent: count(entry.sent),
        gone: count(entry.gone),
        timedOut: count(entry.timedOut),
        failed: count(entry.failed),
        dynamodbRequests: typeof entry.dynamodbRequests === 'number' ? entry.dynamodbRequests : undefined,
        durationMs: entry.durationMs,
      });
    } catch {
      // Not a JSON log line.
    }
  }
  return rows;
}

/** Per message: PostToConnection calls, DynamoDB requests (null while the log line lacks them), duration. */
function fanOutCost(rows: FanOutRow[]) {
  if (rows.length === 0) return null;
  const sum = (pick: (row: FanOutRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const withDynamo = rows.filter((row) => row.dynamodbRequests !== undefined);
  return {
    messages: rows.length,
    postToConnectionPerMessage: round(sum((row) => row.posts) / rows.length, 2),
    dynamodbRequestsPerMessage: withDynamo.length ? round(withDynamo.reduce((total, row) => total + (row.dynamodbRequests ?? 0), 0) / withDynamo.length, 2) : null,
    durationMsP50: round(percentile(rows.map((row) => row.durationMs), 50), 1),
    durationMsP99: round(percentile(rows.map((row) => row.durationMs), 99), 1),
    posts: { sent: sum((row) => row.sent), gone: sum((row) => row.gone), timedOut: sum((row) => row.timedOut), failed: sum((row) => row.failed) },
  };
}

interface Measured {
  writes: number;
  missing: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  seqGaps: number;
}

function summarise(latencies: number[], writes: number, missing: number, errors: number, listeners: Listener[]): Measured {
  return {
    writes,
    missing,
    errors,
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(percentile(latencies, 100), 1),
    seqGaps: listeners.reduce((sum, listener) => sum + listener.gaps(), 0),
  };
}

/** Creates a note as `user` and returns its id with the time of the 201, or undefined on an error. */
async function write(user: TestUser, n: number): Promise<{ id: string; answeredAt: number } | undefined> {
  const res = await api<{ id?: string }>('/notes', { method: 'POST', token: user.accessToken, body: { title: `realtime ${n}`, body: 'bench' } });
  const answeredAt = performance.now();
  return res.status === 201 && res.body.id ? { id: res.body.id, answeredAt } : undefined;
}

/** One unmeasured write that must reach every listener: the connections are registered and the path is warm. */
async function warmUp(user: TestUser, listeners: Listener[]): Promise<void> {
  const written = await write(user, -1);
  if (!written) throw new Error('The warm-up write failed');
  const arrivals = await Promise.all(listeners.map((listener) => listener.arrival(written.id)));
  if (arrivals.some((at) => at === undefined)) throw new Error('The warm-up write did not reach every connection');
}

type Cost = ReturnType<typeof fanOutCost>;

async function usersLevel(bench: BenchPlatform, users: TestUser[]): Promise<Measured & { users: number; fanOut: Cost; disconnects: number; disconnectsMissing: number }> {
  // Connections open a few at a time, as apps coming to the foreground do: a storm of simultaneous handshakes
  // measures serverless-offline starting a worker per $connect, not the realtime path.
  const listeners: Listener[] = [];
  let closing: Awaited<ReturnType<typeof closeAll>> | undefined;
  try {
    await pool(users.length, connectionBatch, async (i) => {
      listeners[i] = await connect(bench.platform.baseUrl, (users[i] as TestUser).accessToken);
    });
    await warmUp(users[0] as TestUser, [listeners[0] as Listener]);
    const from = logPosition(bench);
    const latencies: number[] = [];
    const noteIds = new Set<string>();
    let missing = 0;
    let errors = 0;
    const writes = Math.max(writesPerLevel, users.length);
    await pool(writes, concurrency, async (n) => {
      const writer = n % users.length;
      const written = await write(users[writer] as TestUser, n);
      if (!written) return void errors++;
      noteIds.add(written.id);
      const arrived = await (listeners[writer] as Listener).arrival(written.id);
      if (arrived === undefined) missing++;
      else latencies.push(Math.max(0, arrived - written.answeredAt));
    });
    const measured = summarise(latencies, writes, missing, errors, listeners);
    closing = await closeAll(bench, listeners);
    return { users: users.length, ...measured, fanOut: fanOutCost(fanOutRows(bench.logFile, from, noteIds)), ...closing };
  } finally {
    if (!closing) for (const listener of listeners) listener?.socket.terminate();
  }
}

/**
 * One user's `deviceConnections` connections; with `dead`, the first goes through a dead-end proxy and is killed
 * after the warm-up, and the latency is until every other connection has the change.
 */
async function devicesLevel(bench: BenchPlatform, user: TestUser, dead: boolean) {
  const proxy = dead ? await deadEnd(Number(new URL(bench.platform.baseUrl).port)) : undefined;
  const listeners: Listener[] = [];
  let closing: Awaited<ReturnType<typeof closeAll>> | undefined;
  try {
    await pool(deviceConnections, connectionBatch, async (i) => {
      listeners[i] = await connect(i === 0 && proxy ? proxy.baseUrl : bench.platform.baseUrl, user.accessToken);
    });
    await warmUp(user, listeners);
    proxy?.kill();
    const live = proxy ? listeners.slice(1) : listeners;
    const from = logPosition(bench);
    const latencies: number[] = [];
    const noteIds = new Set<string>();
    let missing = 0;
    let errors = 0;
    await pool(deviceWrites, concurrency, async (n) => {
      const written = await write(user, n);
      if (!written) return void errors++;
      noteIds.add(written.id);
      const arrivals = await Promise.all(live.map((listener) => listener.arrival(written.id)));
      if (arrivals.some((at) => at === undefined)) missing++;
      else latencies.push(Math.max(0, Math.max(...(arrivals as number[])) - written.answeredAt));
    });
    const measured = summarise(latencies, deviceWrites, missing, errors, live);
    closing = await closeAll(bench, live, proxy?.release);
    return { connections: listeners.length, live: live.length, ...measured, fanOut: fanOutCost(fanOutRows(bench.logFile, from, noteIds)), ...closing };
  } finally {
    if (!closing) {
      for (const listener of listeners) listener?.socket.terminate();
      await proxy?.release();
    }
  }
}

const loadAverage = () => os.loadavg().map((value) => round(value, 2));

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const started = Date.now();
  // Services log at info: the fan-out's cost line is an info line.
  const bench = await startBenchPlatform('realtime', { logLevel: 'info' });
  try {
    const booted = Date.now();
    const most = Math.max(...levels);
    const users: TestUser[] = [];
    // Sign-ups a few at a time: the benchmark measures the realtime path, not Cognito's.
    await pool(most + 1, 4, async (i) => {
      users[i] = await createTestUser(`bench-rt-${i}`);
    });
    // Warm-up: the write and fan-out functions have loaded their bundles.
    await usersLevel(bench, users.slice(0, 2)).catch(() => undefined);
    const measuring = Date.now();
    const byUsers = [];
    for (const count of levels) {
      const row = await usersLevel(bench, users.slice(0, count));
      console.log(JSON.stringify(row));
      byUsers.push(row);
    }
    const owner = users[most] as TestUser;
    const devices = await devicesLevel(bench, owner, false);
    console.log(JSON.stringify(devices));
    const deadConnection = await devicesLevel(bench, owner, true);
    console.log(JSON.stringify(deadConnection));
    const rows = [...byUsers, devices, deadConnection];
    const top = byUsers.find((row) => row.users === most) as (typeof byUsers)[number];
    const missing = rows.reduce((sum, row) => sum + row.missing + row.errors, 0);
    const gaps = rows.reduce((sum, row) => sum + row.seqGaps, 0);
    const disconnectsMissing = rows.reduce((sum, row) => sum + row.disconnectsMissing, 0);
    const fanOut = (row: { fanOut: Cost }) => (row.fanOut ? `${row.fanOut.postToConnectionPerMessage} PostToConnection${row.fanOut.dynamodbRequestsPerMessage === null ? '' : ` + ${row.fanOut.dynamodbRequestsPerMessage} DynamoDB requests`}, fan-out p50 ${row.fanOut.durationMsP50} / p99 ${row.fanOut.durationMsP99} ms` : 'no fan-out line');
    const dead = deadConnection.fanOut;
    const load = { before: loadBefore, after: loadAverage(), cpus: os.cpus().length };
    const result = {
      writesPerLevel,
      deviceWrites,
      concurrency,
      loadAverage: load,
      seconds: { total: Math.round((Date.now() - started) / 1000), boot: Math.round((booted - started) / 1000), levels: Math.round((Date.now() - measuring) / 1000) },
      byUsers,
      devices,
      deadConnection,
      summary:
        `write → note.changed at the client: ${byUsers.map((row) => `${row.users} ${row.users === 1 ? 'user' : 'users'} p50 ${row.p50Ms} / p99 ${row.p99Ms} ms`).join(', ')}; ` +
        `one user's 5 connections (all reached) p50 ${devices.p50Ms} / p99 ${devices.p99Ms} ms; ` +
        `with one of the 5 dead (no close frame, still posted to${dead ? `: ${dead.postToConnectionPerMessage} posts per message, ${dead.posts.timedOut} timed out, ${dead.posts.gone} gone` : ''}) the 4 live p50 ${deadConnection.p50Ms} / p99 ${deadConnection.p99Ms} ms; ` +
        `${missing} missing or failed, ${gaps} seq gaps; per message at ${most} users ${fanOut(top)}, at 5 connections ${fanOut(devices)}; ` +
        `${writesPerLevel} writes per level, ${concurrency} in flight; load ${load.before[0]}–${load.after[0]} (1 min, ${load.cpus} CPUs)`,
      goal: `p99 ≤ 1 s at ${most} users, nothing missing`,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${writeResult('realtime', result)}`);
    if (disconnectsMissing > 0) console.log(`${disconnectsMissing} $disconnect invocations were not seen before the next level`);
    if (top.p99Ms > 1000 || missing > 0) console.log(`goal missed: p99 ${top.p99Ms} ms at ${most} users, ${missing} missing or failed`);
  } finally {
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
