// Write → realtime message, at the client (API.md "Realtime": locally within 2 s of the HTTP response).
//   users   1, 50 and 200 different users, one connection each through the gateway's /realtime (the `ws`
//           package, as a Node app would use). Each user creates notes of its own (a fixed number of writes per
//           level, at most `BENCH_REALTIME_CONCURRENCY` requests in flight); the latency of a write is from its
//           HTTP 201 to the `note.changed` upsert of that note at the writer's connection.
//   devices one user with 5 connections (phone, tablet, laptop…): the latency until the change reached every one.
//   fan-out what one message costs: PostToConnection calls and DynamoDB requests per recipient connection, and the
//           note-events handler's duration, read from the notifications service's `realtime fan-out` log lines.
// Goal: p99 ≤ 1 s at 200 users, no message missing, seq without gaps on every connection.
// Boots the platform like the integration tests, on a free port range of its own.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { api } from '../test/support/api';
import { createTestUser } from '../test/support/users';
import type { TestUser } from '../test/support/users';
import { startBenchPlatform } from './iot-support';
import { percentile, round, writeResult } from './support';

const levels = (process.env.BENCH_REALTIME_USERS ?? '1,50,200').split(',').map(Number);
const writesPerLevel = Number(process.env.BENCH_REALTIME_WRITES ?? 200);
const concurrency = Number(process.env.BENCH_REALTIME_CONCURRENCY ?? 10);
const deviceWrites = Number(process.env.BENCH_REALTIME_DEVICE_WRITES ?? 50);
const messageTimeoutMs = 15_000;

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

/** Runs `task` for 0..count-1 with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
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

async function usersLevel(baseUrl: string, users: TestUser[]): Promise<Measured & { users: number }> {
  // Connections open a few at a time, as apps coming to the foreground do: a storm of simultaneous handshakes
  // measures serverless-offline starting a worker per $connect, not the realtime path.
  const listeners: Listener[] = [];
  await pool(users.length, 5, async (i) => {
    listeners[i] = await connect(baseUrl, (users[i] as TestUser).accessToken);
  });
  const latencies: number[] = [];
  let missing = 0;
  let errors = 0;
  const writes = Math.max(writesPerLevel, users.length);
  try {
    await pool(writes, concurrency, async (n) => {
      const writer = n % users.length;
      const written = await write(users[writer] as TestUser, n);
      if (!written) return void errors++;
      const arrived = await (listeners[writer] as Listener).arrival(written.id);
      if (arrived === undefined) missing++;
      else latencies.push(Math.max(0, arrived - written.answeredAt));
    });
    return { users: users.length, ...summarise(latencies, writes, missing, errors, listeners) };
  } finally {
    for (const listener of listeners) listener.socket.close();
  }
}

async function devicesLevel(baseUrl: string, user: TestUser): Promise<Measured & { connections: number }> {
  const listeners = await Promise.all(Array.from({ length: 5 }, () => connect(baseUrl, user.accessToken)));
  const latencies: number[] = [];
  let missing = 0;
  let errors = 0;
  try {
    await pool(deviceWrites, 1, async (n) => {
      const written = await write(user, n);
      if (!written) return void errors++;
      const arrivals = await Promise.all(listeners.map((listener) => listener.arrival(written.id)));
      if (arrivals.some((at) => at === undefined)) missing++;
      else latencies.push(Math.max(0, Math.max(...(arrivals as number[])) - written.answeredAt));
    });
    return { connections: listeners.length, ...summarise(latencies, deviceWrites, missing, errors, listeners) };
  } finally {
    for (const listener of listeners) listener.socket.close();
  }
}

/** The notifications service's fan-out log lines ({ msg: 'realtime fan-out', connections, posts, dynamodbRequests, durationMs }). */
function fanOutCost(logFile: string) {
  const rows: Array<{ connections: number; posts: number; dynamodbRequests?: number; durationMs: number }> = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('realtime fan-out')) continue;
    const start = line.indexOf('{');
    if (start < 0) continue;
    try {
      const entry = JSON.parse(line.slice(start)) as { msg?: string; message?: string; connections?: number; posts?: number; dynamodbRequests?: number; durationMs?: number };
      if (typeof entry.posts === 'number' && typeof entry.durationMs === 'number') rows.push({ connections: entry.connections ?? entry.posts, posts: entry.posts, dynamodbRequests: entry.dynamodbRequests, durationMs: entry.durationMs });
    } catch {
      // Not a JSON log line.
    }
  }
  if (rows.length === 0) return null;
  const posts = rows.reduce((sum, row) => sum + row.posts, 0);
  const withDynamo = rows.filter((row) => row.dynamodbRequests !== undefined);
  return {
    messages: rows.length,
    postToConnectionPerMessage: round(posts / rows.length, 2),
    dynamodbRequestsPerMessage: withDynamo.length ? round(withDynamo.reduce((sum, row) => sum + (row.dynamodbRequests ?? 0), 0) / withDynamo.length, 2) : null,
    durationMsP50: round(percentile(rows.map((row) => row.durationMs), 50), 1),
    durationMsP99: round(percentile(rows.map((row) => row.durationMs), 99), 1),
  };
}

async function main(): Promise<void> {
  // Services log at info: the fan-out's cost line is an info line.
  const bench = await startBenchPlatform('realtime', { logLevel: 'info' });
  const { platform, logFile } = bench;
  try {
    const most = Math.max(...levels);
    const users: TestUser[] = [];
    // Sign-ups a few at a time: the benchmark measures the realtime path, not Cognito's.
    await pool(most + 1, 4, async (i) => {
      users[i] = await createTestUser(`bench-rt-${i}`);
    });
    // Warm-up: the write and fan-out functions have loaded their bundles.
    await usersLevel(platform.baseUrl, users.slice(0, 2)).catch(() => undefined);
    const byUsers = [];
    for (const count of levels) {
      const row = await usersLevel(platform.baseUrl, users.slice(0, count));
      console.log(JSON.stringify(row));
      byUsers.push(row);
    }
    const devices = await devicesLevel(platform.baseUrl, users[most] as TestUser);
    console.log(JSON.stringify(devices));
    const fanOut = fanOutCost(logFile);
    const top = byUsers.find((row) => row.users === most) as Measured & { users: number };
    const missing = [...byUsers, devices].reduce((sum, row) => sum + row.missing + row.errors, 0);
    const gaps = [...byUsers, devices].reduce((sum, row) => sum + row.seqGaps, 0);
    const result = {
      writesPerLevel,
      concurrency,
      byUsers,
      devices,
      fanOut,
      summary:
        `write → note.changed at the client: ${byUsers.map((row) => `${row.users} users p50 ${row.p50Ms} / p99 ${row.p99Ms} ms`).join(', ')}; ` +
        `one user's 5 connections (all reached) p50 ${devices.p50Ms} / p99 ${devices.p99Ms} ms; ${missing} missing or failed, ${gaps} seq gaps` +
        (fanOut ? `; per message ${fanOut.postToConnectionPerMessage} PostToConnection, fan-out p50 ${fanOut.durationMsP50} ms` : ''),
      goal: `p99 ≤ 1 s at ${most} users, nothing missing`,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${writeResult('realtime', result)}`);
    if (top.p99Ms > 1000 || missing > 0) console.log(`goal missed: p99 ${top.p99Ms} ms at ${most} users, ${missing} missing or failed`);
  } finally {
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
