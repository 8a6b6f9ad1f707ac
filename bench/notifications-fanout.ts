// Notification fan-out end to end on the local platform: from the PATCH that shares a note (core-api) through
// the notes stream, core-api's note-events publisher and the notifications consumer to the last push recorded in
// the local outbox.
//   single   one share event to a user with one device (the baseline)
//   fan-out  one share event to a user with 10 devices
//   burst    100 share events in a burst (100 notes of 10 owners shared with a one-device user, 20 PATCHes in flight)
// Single and fan-out alternate, so load from elsewhere lands on both; results are ratios against single.
// The burst's total is mostly core-api absorbing 100 concurrent PATCHes; its tail (last PATCH answered → last
// push) is what the notifications pipeline adds, and what the goal is about.
// End time is the latest `sentAt` of the awaited pushes (recorded by the consumer), not when polling saw it.
// Boots the platform like the integration tests; holds the platform lock for the whole run.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defaultEmulatorPorts, startPlatform } from '../scripts/platform';
import { repoRoot } from '../scripts/platform/service-definitions';
import { api } from '../test/support/api';
import { createTestUser } from '../test/support/users';
import type { TestUser } from '../test/support/users';
import { median, percentile, round, runUnderPlatformLock, writeResult } from './support';

const rounds = Number(process.env.BENCH_FANOUT_ROUNDS ?? 5);
const burstSize = 100;
const burstInFlight = 20;
const fanOutDevices = 10;
const deadlineMs = 120_000;

interface OutboxEntry {
  deviceId: string;
  data: Record<string, string>;
  sentAt: string;
}

async function check<T>(label: string, promise: Promise<{ status: number; body: T; text: string }>, expected: number): Promise<T> {
  const res = await promise;
  // serverless-offline answers a timed-out or crashed HTTP API handler with 200 and { errorMessage }.
  if (res.status !== expected || (typeof res.body === 'object' && res.body !== null && 'errorMessage' in res.body)) {
    throw new Error(`${label} answered ${res.status}: ${res.text}`);
  }
  return res.body;
}

async function addDevices(user: TestUser, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await check('POST /devices', api('/devices', { method: 'POST', token: user.accessToken, body: { platform: 'ios', token: randomBytes(32).toString('hex') } }), 201);
  }
}

async function newNote(owner: TestUser, title: string): Promise<string> {
  return (await check<{ id: string }>('POST /notes', api('/notes', { method: 'POST', token: owner.accessToken, body: { title } }), 201)).id;
}

async function share(owner: TestUser, noteId: string, recipient: TestUser): Promise<void> {
  const note = await check<{ sharedWith?: string[] }>(
    `PATCH /notes/${noteId}`,
    api(`/notes/${noteId}`, { method: 'PATCH', token: owner.accessToken, body: { sharedWith: [recipient.userId] } }),
    200,
  );
  if (!note.sharedWith?.includes(recipient.userId)) throw new Error(`PATCH /notes/${noteId} did not share the note`);
}

/** Runs `fn` over `items` with at most `inFlight` calls at a time. */
async function pool<T>(items: T[], inFlight: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function outbox(user: TestUser): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: OutboxEntry[]; nextCursor: string | null } = await check(
      'GET /dev/push-outbox',
      api(`/dev/push-outbox?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: user.accessToken }),
      200,
    );
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

/** Waits until `expected` pushes for the notes are recorded; returns the latest sentAt (epoch ms). */
async function lastPushAt(user: TestUser, noteIds: Set<string>, expected: number): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const pushes = (await outbox(user)).filter((entry) => noteIds.has(entry.data.noteId ?? ''));
    if (pushes.length > expected) throw new Error(`expected ${expected} pushes, found ${pushes.length}`);
    if (pushes.length === expected) return Math.max(...pushes.map((entry) => Date.parse(entry.sentAt)));
    if (Date.now() > deadline) {
      const pushed = new Set(pushes.map((entry) => entry.data.noteId));
      const missing = [...noteIds].filter((id) => !pushed.has(id));
      // Does the recipient see them as shared (core-api wrote the share) and have them in the inbox?
      const shared = await check<{ items: Array<{ id: string }> }>('GET /notes?scope=shared', api('/notes?scope=shared&limit=100', { token: user.accessToken }), 200);
      const sharedIds = new Set(shared.items.map((note) => note.id));
      throw new Error(`only ${pushes.length} of ${expected} pushes after ${deadlineMs} ms; missing ${missing.length}, of which shared with the recipient: ${missing.filter((id) => sharedIds.has(id)).length}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function oneShare(owner: TestUser, recipient: TestUser, devices: number): Promise<number> {
  const noteId = await newNote(owner, 'Benchmark note');
  const started = Date.now();
  await share(owner, noteId, recipient);
  return (await lastPushAt(recipient, new Set([noteId]), devices)) - started;
}

/**
 * The 100 shares come from 10 owners (one owner's writes are serialised by core-api's change feed), sent as fast
 * as the local core-api takes them: 20 in flight, as more make local PATCHes hit serverless-offline's 10 s timeout.
 */
async function burst(owners: TestUser[], recipient: TestUser): Promise<{ totalMs: number; patchesMs: number; tailMs: number }> {
  const notes: Array<{ owner: TestUser; id: string }> = [];
  for (let i = 0; i < burstSize; i++) {
    const owner = owners[i % owners.length] as TestUser;
    notes.push({ owner, id: await newNote(owner, `Burst note ${i}`) });
  }
  const started = Date.now();
  await pool(notes, burstInFlight, ({ owner, id }) => share(owner, id, recipient));
  const patchesDone = Date.now();
  const last = await lastPushAt(recipient, new Set(notes.map((note) => note.id)), burstSize);
  return { totalMs: last - started, patchesMs: patchesDone - started, tailMs: last - patchesDone };
}

async function main(): Promise<void> {
  const logDir = path.join(repoRoot, '.local', 'logs');
  mkdirSync(logDir, { recursive: true });
  const platform = await startPlatform({
    port: 3000,
    host: '127.0.0.1',
    dataDir: null,
    logFile: path.join(logDir, 'bench-notifications-fanout.log'),
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
    emulatorPorts: defaultEmulatorPorts,
  });
  try {
    process.env.API_BASE_URL = platform.baseUrl;
    const owner = await createTestUser('bench-owner');
    const burstOwners = await Promise.all(Array.from({ length: 10 }, (_, i) => createTestUser(`bench-burst-owner-${i}`)));
    const single = await createTestUser('bench-single');
    const many = await createTestUser('bench-ten');
    const burstRecipient = await createTestUser('bench-burst');
    await addDevices(single, 1);
    await addDevices(many, fanOutDevices);
    await addDevices(burstRecipient, 1);

    // Warm-up: the first invocations of each function load their bundles.
    await oneShare(owner, single, 1);
    await oneShare(owner, many, fanOutDevices);

    const singleMs: number[] = [];
    const fanOutMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        singleMs.push(await oneShare(owner, single, 1));
        fanOutMs.push(await oneShare(owner, many, fanOutDevices));
      } else {
        fanOutMs.push(await oneShare(owner, many, fanOutDevices));
        singleMs.push(await oneShare(owner, single, 1));
      }
    }
    const burstRun = await burst(burstOwners, burstRecipient);
    const burstMs = burstRun.totalMs;
    // One more baseline after the burst, so the burst ratio is taken against the same conditions.
    singleMs.push(await oneShare(owner, single, 1));

    const singleP50 = median(singleMs);
    const fanOutP50 = median(fanOutMs);
    const fanOutRatio = round(fanOutP50 / singleP50, 2);
    const burstRatio = round(burstMs / singleP50, 2);
    // What the notifications pipeline adds once core-api has answered every PATCH of the burst.
    const tailRatio = round(burstRun.tailMs / singleP50, 2);
    const result = {
      rounds,
      singleMs: { p50: singleP50, max: percentile(singleMs, 100), samples: singleMs },
      fanOut: { devices: fanOutDevices, p50: fanOutP50, max: percentile(fanOutMs, 100), samples: fanOutMs, ratio: fanOutRatio },
      burst: { events: burstSize, owners: burstOwners.length, inFlight: burstInFlight, ...burstRun, ratio: burstRatio, tailRatio, eventsPerSecond: round((burstSize / burstMs) * 1000, 1) },
      summary:
        `share → last push: 1 device ${singleP50} ms; 10 devices ${fanOutP50} ms (${fanOutRatio}×); ` +
        `100-share burst ${burstMs} ms (${burstRatio}×), last push ${burstRun.tailMs} ms after the last PATCH answered (${tailRatio}×)`,
      goal: '10 devices ≤ 1.5× one device; a 100-share burst drained ≤ 2× one share after its last PATCH',
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${writeResult('notifications-fanout', result)}`);
  } finally {
    await platform.stop();
  }
}

runUnderPlatformLock(__filename, main);
