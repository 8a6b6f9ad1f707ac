// The resilience suite's workload: simulated app users and things against the local platform through the gateway,
// with a ledger of every write, so that afterwards `checkWorkload` can tell whether each acknowledged write reached
// every read model it must reach, exactly once. The load part runs it on a healthy platform; the fault part runs
// it while it stops and starts components, which is why a request that got no answer (timeout, connection refused)
// or a 503 is recorded as "may or may not have landed": the check then accepts either, never a duplicate.
//
// Each user is one sequential loop (an app does one thing at a time), choosing its next operation from a seeded
// random mix with think time between operations: sign in, create/patch/share/delete notes with If-Match, get, list
// and sync, search, upload a small photo (request, PUT, attach), register a device again, read the inbox, send an
// analytics batch (now and then replaying events of the previous one). Things are `npm run things:simulate`
// thermostats publishing readings with QoS 1. Loopback only; stops by itself after `seconds`.
import { randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { seededRandom } from '../../../scripts/seeded-random';
import { parseSimulateArgs } from '../../../scripts/things/args';
import { mqttLinkWith, type ConnectLink, type DeviceEvent, type DeviceLink } from '../../../scripts/things/device';
import { startSimulation, type Simulation } from '../../../scripts/things/simulate';
import { solidPng } from '../../../services/thumbnails/test/support/images';
import { baseUrl } from '../../support/api';
import { createTestAdmin, createTestUser, type TestUser } from '../../support/users';
import { outageAnswerProblem, publishFailureVerdict, wellFormedError, type OutageClock } from './outage';
import { eventIdAttribute } from './workload-check';

export interface WorkloadOptions {
  /** Simulated app users (each one loop). */
  users: number;
  /** Simulated things publishing telemetry (QoS 1). */
  things: number;
  /** Seconds of load; the workload stops by itself after them. */
  seconds: number;
  /** Seed of every random choice (profile.seed). */
  seed: number;
  /** Mean think time between two operations of one user, ms (default 1000). */
  thinkMs?: number;
  /** Readings a second per thing (default 0.5). */
  thingRate?: number;
  /** A request without an answer after this long counts as a timeout, ms (default 30000). */
  requestTimeoutMs?: number;
  /**
   * Set by the fault drills: each answer is judged by whether an outage was under way while it was asked or
   * answered (support/outage.ts). Without one, every answer counts as outside an outage.
   */
  outage?: OutageClock;
  log?: (line: string) => void;
}

/** What may have happened to a write: acknowledged (2xx), or no verdict (timeout, connection error, 5xx). */
export type Landed = 'yes' | 'maybe';

export interface LedgerNote {
  id: string;
  ownerIndex: number;
  /** A word only this note's title has, to find it by search. */
  marker: string;
  created: Landed;
  /** Titles the note may have now: the last acknowledged one plus those of unanswered patches after it. */
  titles: string[];
  /** The version of the last acknowledged write (0 before one). */
  version: number;
  deleted: 'no' | 'yes' | 'maybe';
  /** The last acknowledged sharedWith. */
  sharedWith: string[];
  photoKey: string | null;
}

export interface LedgerShare {
  noteId: string;
  recipient: string;
  landed: Landed;
}

export interface LedgerUpload {
  key: string;
  ownerIndex: number;
  /** The bytes were PUT (storage answered 200) or might have been. */
  put: Landed;
}

export interface LedgerReading {
  thingId: string;
  ts: number;
  metrics: string[];
  landed: Landed;
}

export interface LedgerEvent {
  id: string;
  landed: Landed;
}

export interface WorkloadUser extends TestUser {
  index: number;
  installId: string;
  devices: Array<{ deviceId: string; platform: 'ios' | 'android'; token: string }>;
}

export interface OperationFigures {
  count: number;
  /** Answers by status (0: no answer: timeout or connection error). */
  statuses: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  perSecond: number;
}

export interface WorkloadReport {
  startedAt: string;
  stoppedAt: string;
  /** Seconds the load ran (setup excluded). */
  seconds: number;
  seed: number;
  users: WorkloadUser[];
  admin: TestUser;
  /** The analytics event type of this run (counted by the check). */
  analyticsType: string;
  /** The simulated things and their owners (an index into thingOwners). */
  things: Array<{ thingId: string; owner: number }>;
  thingOwners: TestUser[];
  ledger: { notes: LedgerNote[]; shares: LedgerShare[]; uploads: LedgerUpload[]; readings: LedgerReading[]; events: LedgerEvent[] };
  requestsSent: number;
  /** Answers with a 5xx status outside an outage (goal 0). */
  serverErrors: number;
  /**
   * Requests without an answer (timeout or connection error) outside an outage, QoS 1 publishes the broker never
   * acknowledged among them.
   */
  noAnswer: number;
  /** 429 answers per operation (the contract's quotas): the request did nothing and is not in the ledger. */
  rateLimited: Record<string, number>;
  /** Answers while an outage or its recovery was under way (options.outage), and those that were not right then. */
  duringOutage: OutageFigures;
  /** Setup steps (sign-ups, devices, connecting the things) that failed and were tried again, and why. */
  setupRetries: string[];
  /** Answers no correct server gives to these requests (a 400 to a valid request...), a sample of them. */
  unexpected: string[];
  unexpectedCount: number;
  operations: Record<string, OperationFigures>;
  throughputPerSecond: number;
}

export interface Workload {
  /** Stops the users and things (at once, or as soon as they finish), and returns what they did. */
  stop(): Promise<WorkloadReport>;
  /** Resolves when the seconds are over (the workload has stopped sending; call stop() for the report). */
  finished: Promise<void>;
}

// ---------------------------------------------------------------------------------------------------- randomness

const letters = 'abcdefghijklmnopqrstuvwxyz';
const word = (random: () => number, length: number) => Array.from({ length }, () => letters[Math.floor(random() * 26)] ?? 'a').join('');
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

// ---------------------------------------------------------------------------------------------------- statistics

export interface OutageFigures {
  answers: number;
  /** QoS 1 publishes an outage left without an acknowledgement (their readings stay "may have landed"). */
  unacknowledged: number;
  status503: number;
  slowestMs: number;
  /** The slowest 503 (a success may take longer: it waited for the part to come back). */
  slowest503Ms: number;
  /** Answers that were not a quick 503 with the contract's error shape, or a success (a sample). */
  problems: string[];
  problemCount: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 10) / 10;
}

class Recorder {
  constructor(readonly outage?: OutageClock) {}
  latencies = new Map<string, number[]>();
  statuses = new Map<string, Record<string, number>>();
  requestsSent = 0;
  serverErrors = 0;
  noAnswer = 0;
  unexpected: string[] = [];
  unexpectedCount = 0;
  duringOutage: OutageFigures = { answers: 0, unacknowledged: 0, status503: 0, slowestMs: 0, slowest503Ms: 0, problems: [], problemCount: 0 };

  /**
   * `askedInOutage`: an outage was under way when the request was sent (it counts as well when one is at the answer).
   * `heldWhileDown`: the client holds the request while a part is down and sends it again once it is back (a QoS 1
   * publish, resent after the device reconnects), so its wait is judged without the time the part was down.
   */
  record(operation: string, status: number, ms: number, answer: { askedInOutage: boolean; wellFormed: boolean; heldWhileDown?: boolean } = { askedInOutage: false, wellFormed: true }): void {
    this.requestsSent += 1;
    if (answer.askedInOutage || this.outage?.active()) {
      const outage = this.duringOutage;
      outage.answers += 1;
      if (status === 503) outage.status503 += 1;
      const now = Date.now();
      const judgedMs = answer.heldWhileDown && this.outage?.downMsBetween ? ms - this.outage.downMsBetween(now - ms, now) : ms;
      outage.slowestMs = Math.max(outage.slowestMs, Math.round(judgedMs));
      if (status === 503) outage.slowest503Ms = Math.max(outage.slowest503Ms, Math.round(judgedMs));
      const problem = outageAnswerProblem({ status, ms: judgedMs, wellFormed: answer.wellFormed });
      if (problem) {
        outage.problemCount += 1;
        if (outage.problems.length < 50) outage.problems.push(`${operation}: ${problem}`);
      }
    } else {
      if (status >= 500) this.serverErrors += 1;
      if (status === 0) this.noAnswer += 1;
    }
    const list = this.latencies.get(operation) ?? [];
    list.push(ms);
    this.latencies.set(operation, list);
    const statuses = this.statuses.get(operation) ?? {};
    statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    this.statuses.set(operation, statuses);
  }

  /**
   * A QoS 1 publish the client gave up on (its `error` event) after `ms`: an outage during it explains it (the
   * reading stays "may have landed"); outside one it is a request without an answer (noAnswer, goal 0).
   */
  unacknowledged(operation: string, ms: number, message: string): void {
    const now = Date.now();
    if (publishFailureVerdict(this.outage, now - ms, now) === 'outage') {
      this.duringOutage.unacknowledged += 1;
      return;
    }
    this.record(operation, 0, ms);
    this.surprise(`${operation} not acknowledged after ${Math.round(ms)} ms outside an outage: ${message}`);
  }

  rateLimited(): Record<string, number> {
    return Object.fromEntries([...this.statuses.entries()].filter(([, statuses]) => (statuses['429'] ?? 0) > 0).map(([operation, statuses]) => [operation, statuses['429'] ?? 0]));
  }

  surprise(what: string): void {
    this.unexpectedCount += 1;
    if (this.unexpected.length < 50) this.unexpected.push(what);
  }

  figures(seconds: number): Record<string, OperationFigures> {
    const out: Record<string, OperationFigures> = {};
    for (const [operation, values] of [...this.latencies.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      out[operation] = {
        count: values.length,
        statuses: this.statuses.get(operation) ?? {},
        p50Ms: percentile(values, 50),
        p95Ms: percentile(values, 95),
        p99Ms: percentile(values, 99),
        maxMs: percentile(values, 100),
        perSecond: Math.round((values.length / Math.max(seconds, 1)) * 100) / 100,
      };
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------- HTTP

interface Answer<T> {
  /** 0: no answer (timeout, connection refused or reset). */
  status: number;
  body: T;
  text: string;
}

/** A request that never throws: a missing answer is status 0. Recorded under `operation`. */
async function send<T>(recorder: Recorder, operation: string, url: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; raw?: Buffer }, timeoutMs: number): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | Buffer | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const started = performance.now();
  const askedInOutage = recorder.outage?.active() ?? false;
  // The storage's own URLs (a presigned PUT) answer in S3's shape, not the contract's.
  const throughGateway = !url.startsWith('http');
  try {
    const response = await fetch(throughGateway ? `${baseUrl()}${url}` : url, { method: init.method ?? 'GET', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    recorder.record(operation, response.status, performance.now() - started, { askedInOutage, wellFormed: response.status < 400 || !throughGateway || wellFormedError(parsed, response.headers) });
    return { status: response.status, body: parsed as T, text };
  } catch (error) {
    recorder.record(operation, 0, performance.now() - started, { askedInOutage, wellFormed: false });
    return { status: 0, body: undefined as T, text: error instanceof Error ? error.message : String(error) };
  }
}

/** A request that did not get a verdict: it may or may not have landed. */
const noVerdict = (status: number) => status === 0 || status >= 500;

interface NoteBody {
  id: string;
  title: string;
  version: number;
  sharedWith: string[];
  photo: { key: string; status: string } | null;
}

// ---------------------------------------------------------------------------------------------------- setup

async function inBatches<T, R>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T, index);
      }
    }),
  );
  return results;
}

/**
 * A setup step (sign-up, admin, device) tried up to three times: setup is not what the load measures, but a cold
 * emulated Lambda on a busy machine can time out there too. Each retry is noted in the report.
 */
async function setupStep<T>(what: string, retries: string[], step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= 3) throw error;
      retries.push(`${what}: ${message.slice(0, 200)}`);
      await sleep(2000);
    }
  }
}

const apnsToken = (random: () => number) => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
const fcmToken = (random: () => number) => `${word(random, 22)}:APA91b${word(random, 120)}`;

async function createUsers(count: number, seed: number, recorder: Recorder, timeoutMs: number, retries: string[]): Promise<WorkloadUser[]> {
  return inBatches(Array.from({ length: count }, (_, i) => i), 4, async (index) => {
    const random = seededRandom(seed * 7919 + index);
    const user = await setupStep(`user ${index}`, retries, () => createTestUser(`load-${index}`));
    const devices: WorkloadUser['devices'] = [];
    for (const platform of index % 3 === 0 ? (['ios', 'android'] as const) : (['ios'] as const)) {
      const token = platform === 'ios' ? apnsToken(random) : fcmToken(random);
      const res = await setupStep(`user ${index} device`, retries, async () => {
        // Registering a token again is idempotent: a retry gets the same device.
        const answer = await send<{ deviceId: string }>(recorder, 'devices.register', '/devices', { method: 'POST', token: user.accessToken, body: { platform, token, appVersion: '1.0.0' } }, timeoutMs);
        if (answer.status !== 201 && answer.status !== 200) throw new Error(`POST /devices answered ${answer.status}: ${answer.text}`);
        return answer;
      });
      devices.push({ deviceId: res.body.deviceId, platform, token });
    }
    return { ...user, index, installId: randomUUID(), devices };
  });
}

// ---------------------------------------------------------------------------------------------------- users

interface Context {
  recorder: Recorder;
  users: WorkloadUser[];
  notes: LedgerNote[];
  shares: Map<string, LedgerShare>;
  uploads: LedgerUpload[];
  events: Map<string, LedgerEvent>;
  analyticsType: string;
  photo: Buffer;
  timeoutMs: number;
  thinkMs: number;
  endAt: number;
  stopping: () => boolean;
}

const shareKey = (noteId: string, recipient: string) => `${noteId}|${recipient}`;

function recordShares(context: Context, note: LedgerNote, before: string[], after: string[], landed: Landed): void {
  for (const recipient of after) {
    if (before.includes(recipient)) continue;
    const key = shareKey(note.id, recipient);
    const known = context.shares.get(key);
    if (!known || known.landed === 'maybe') context.shares.set(key, { noteId: note.id, recipient, landed });
  }
}

/** One app user's session: operations in a seeded random order until the time is up. */
async function runUser(context: Context, user: WorkloadUser, random: () => number): Promise<void> {
  const { recorder, timeoutMs } = context;
  const call = <T>(operation: string, path: string, init: Parameters<typeof send>[3] = {}) => send<T>(recorder, operation, path, { token: user.accessToken, ...init }, timeoutMs);
  const surprise = (operation: string, res: Answer<unknown>) => recorder.surprise(`${operation} → ${res.status}: ${res.text.slice(0, 200)}`);
  const mine = () => context.notes.filter((note) => note.ownerIndex === user.index && note.deleted !== 'yes');
  const others = context.users.filter((other) => other.index !== user.index);
  let syncCursor: string | null = null;
  let lastBatch: Array<Record<string, unknown>> = [];
  let pendingCreate: { note: LedgerNote; body: Record<string, unknown> } | null = null;

  const applyNote = (note: LedgerNote, body: NoteBody) => {
    note.titles = [body.title];
    note.version = body.version;
    note.sharedWith = body.sharedWith;
    note.deleted = 'no';
    note.created = 'yes';
  };

  const create = async (photoKey: string | null) => {
    const marker = word(random, 10);
    const sharedWith = others.length > 0 && random() < 0.3 ? [pick(random, others).userId] : [];
    const note: LedgerNote = { id: randomUUID(), ownerIndex: user.index, marker, created: 'maybe', titles: [], version: 0, deleted: 'no', sharedWith: [], photoKey };
    const title = `Load note ${marker}`;
    note.titles = [title];
    const body: Record<string, unknown> = { id: note.id, title, body: `Written by load user ${user.index}.`, tags: ['load', word(random, 5)], sharedWith, ...(photoKey ? { photoKey } : {}) };
    context.notes.push(note);
    await sendCreate(note, body);
  };

  const sendCreate = async (note: LedgerNote, body: Record<string, unknown>) => {
    const res = await call<NoteBody>('notes.create', '/notes', { method: 'POST', body });
    if (res.status === 201 || res.status === 200) {
      applyNote(note, res.body);
      recordShares(context, note, [], res.body.sharedWith, 'yes');
      pendingCreate = null;
    } else if (noVerdict(res.status)) {
      recordShares(context, note, [], (body.sharedWith as string[] | undefined) ?? [], 'maybe');
      // An app keeps the note in its outbox and sends the same request again (idempotent with its id).
      pendingCreate = { note, body };
    } else {
      surprise('POST /notes', res);
      pendingCreate = null;
    }
  };

  /** Brings a note's known state up to date after an unanswered write (an app re-reads before editing). */
  const refresh = async (note: LedgerNote): Promise<boolean> => {
    const res = await call<NoteBody>('notes.get', `/notes/${note.id}`);
    if (res.status === 200) {
      if (!note.titles.includes(res.body.title)) note.titles.push(res.body.title);
      note.version = res.body.version;
      note.sharedWith = res.body.sharedWith;
      return true;
    }
    if (res.status === 404) {
      if (note.deleted === 'maybe' || note.created === 'maybe') note.deleted = 'yes';
      else surprise(`GET /notes/${note.id} (acknowledged, not deleted)`, res);
      return false;
    }
    if (!noVerdict(res.status)) surprise('GET /notes/{id}', res);
    return false;
  };

  const patch = async (note: LedgerNote, change: { title?: string; sharedWith?: string[] }, operation: string) => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const res = await call<NoteBody | { error: { details?: Array<{ current?: NoteBody }> } }>(operation, `/notes/${note.id}`, { method: 'PATCH', body: change, headers: { 'if-match': String(note.version) } });
      if (res.status === 200) {
        const before = note.sharedWith;
        applyNote(note, res.body as NoteBody);
        recordShares(context, note, before, (res.body as NoteBody).sharedWith, 'yes');
        return;
      }
      if (res.status === 412) {
        // Photo processing (or an earlier unanswered write) moved the version on: take the current note, try again.
        const current = (res.body as { error: { details?: Array<{ current?: NoteBody }> } }).error.details?.[0]?.current;
        if (!current) return surprise(`PATCH ${operation} 412 without current`, res);
        if (!note.titles.includes(current.title)) note.titles.push(current.title);
        note.version = current.version;
        note.sharedWith = current.sharedWith;
        continue;
      }
      if (noVerdict(res.status)) {
        if (change.title && !note.titles.includes(change.title)) note.titles.push(change.title);
        if (change.sharedWith) recordShares(context, note, note.sharedWith, change.sharedWith, 'maybe');
        note.version = -1;
        return;
      }
      if (res.status === 404 && note.deleted === 'maybe') {
        note.deleted = 'yes';
        return;
      }
      return surprise(`PATCH /notes/{id} (${operation})`, res);
    }
  };

  const operations: Array<[number, () => Promise<void>]> = [
    [18, () => create(null)],
    [
      16,
      async () => {
        const note = pickNote();
        if (note) await patch(note, { title: `Load note ${note.marker} ${word(random, 6)}` }, 'notes.patch');
      },
    ],
    [
      8,
      async () => {
        const note = pickNote();
        if (!note || others.length === 0) return;
        // Share with someone new, or unshare someone (a later re-share is within the 24-hour rule).
        const sharedWith = note.sharedWith.length > 0 && random() < 0.35 ? note.sharedWith.slice(1) : [...new Set([...note.sharedWith, pick(random, others).userId])].slice(0, 5);
        await patch(note, { sharedWith }, 'notes.share');
      },
    ],
    [
      5,
      async () => {
        const note = pickNote();
        if (!note) return;
        const res = await call('notes.delete', `/notes/${note.id}`, { method: 'DELETE', headers: { 'if-match': String(note.version) } });
        if (res.status === 204) note.deleted = 'yes';
        else if (noVerdict(res.status)) note.deleted = 'maybe';
        else if (res.status === 412) note.version = -1;
        else surprise('DELETE /notes/{id}', res);
      },
    ],
    [
      5,
      async () => {
        const note = pickNote();
        if (note) await refresh(note);
      },
    ],
    [
      10,
      async () => {
        const res = await call('notes.list', `/notes?limit=20${random() < 0.3 ? '&scope=shared' : ''}`);
        if (res.status !== 200 && !noVerdict(res.status)) surprise('GET /notes', res);
      },
    ],
    [
      10,
      async () => {
        const res = await call<{ cursor: string; hasMore: boolean }>('sync', `/sync${syncCursor ? `?cursor=${encodeURIComponent(syncCursor)}` : ''}`);
        if (res.status === 200) syncCursor = res.body.cursor;
        else if (!noVerdict(res.status)) surprise('GET /sync', res);
      },
    ],
    [
      8,
      async () => {
        const note = pickNote();
        const q = note ? note.marker.slice(0, 6) : word(random, 4);
        const res = await call('search', `/search?q=${encodeURIComponent(q)}&limit=10`);
        if (res.status !== 200 && !noVerdict(res.status)) surprise('GET /search', res);
      },
    ],
    [4, () => upload()],
    [
      3,
      async () => {
        // Apps register their push token again at every launch: idempotent, the same device.
        const device = pick(random, user.devices);
        const res = await call<{ deviceId: string }>('devices.register', '/devices', { method: 'POST', body: { platform: device.platform, token: device.token, appVersion: '1.0.1' } });
        if (res.status === 200 || res.status === 201) {
          if (res.body.deviceId !== device.deviceId) recorder.surprise(`POST /devices again gave device ${res.body.deviceId}, not ${device.deviceId}`);
        } else if (!noVerdict(res.status)) surprise('POST /devices', res);
      },
    ],
    [
      8,
      async () => {
        const res = await call('inbox', '/notifications?limit=20');
        if (res.status !== 200 && !noVerdict(res.status)) surprise('GET /notifications', res);
      },
    ],
    [6, () => analytics()],
    [
      1,
      async () => {
        const res = await send<{ accessToken: string }>(recorder, 'login', '/auth/login', { method: 'POST', body: { email: user.email, password: user.password } }, timeoutMs);
        if (res.status === 200) user.accessToken = res.body.accessToken;
        else if (!noVerdict(res.status)) surprise('POST /auth/login', res);
      },
    ],
  ];
  const totalWeight = operations.reduce((sum, [weight]) => sum + weight, 0);

  function pickNote(): LedgerNote | undefined {
    const candidates = mine().filter((note) => note.created === 'yes' && note.deleted === 'no');
    return candidates.length > 0 ? pick(random, candidates) : undefined;
  }

  async function upload(): Promise<void> {
    const ticket = await call<{ key: string; uploadUrl: string; headers: Record<string, string> }>('media.request', '/media/uploads', { method: 'POST', body: { contentType: 'image/png', size: context.photo.byteLength } });
    // The contract's per-user upload quotas: counted under the operation's statuses and listed in report.rateLimited.
    if (ticket.status === 429) return;
    if (ticket.status !== 201) {
      if (!noVerdict(ticket.status)) surprise('POST /media/uploads', ticket);
      return;
    }
    const entry: LedgerUpload = { key: ticket.body.key, ownerIndex: user.index, put: 'maybe' };
    context.uploads.push(entry);
    const put = await send(recorder, 'media.put', ticket.body.uploadUrl, { method: 'PUT', headers: ticket.body.headers, raw: context.photo }, timeoutMs);
    if (put.status === 200) entry.put = 'yes';
    else if (!noVerdict(put.status)) {
      context.uploads.splice(context.uploads.indexOf(entry), 1);
      return surprise('PUT upload', put);
    }
    // Most photos go into a new note (its photo then turns ready, and its version grows).
    if (random() < 0.7) await create(entry.key);
  }

  async function analytics(): Promise<void> {
    const sessionId = randomUUID();
    // Each event carries its id as an attribute too: the check reads the counts by it, to find one counted twice.
    const fresh = Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
      const id = randomUUID();
      return { id, type: context.analyticsType, at: new Date().toISOString(), sessionId, attributes: { screen: pick(random, ['notes', 'note', 'search', 'things']), [eventIdAttribute]: id }, metrics: { ms: Math.round(random() * 1000) } };
    });
    // An app that did not hear back sends a batch again: a replayed event is accepted and counted once.
    const replayed = random() < 0.25 ? lastBatch.slice(0, 2) : [];
    const events = [...fresh, ...replayed];
    const res = await call<{ accepted: number; rejected: unknown[] }>('analytics.batch', '/analytics/events', { method: 'POST', body: { installId: user.installId, appVersion: '1.0.0', platform: 'ios', events } });
    const landed: Landed | null = res.status === 202 ? 'yes' : noVerdict(res.status) ? 'maybe' : null;
    if (res.status === 202 && (res.body.accepted !== events.length || res.body.rejected.length > 0)) recorder.surprise(`POST /analytics/events accepted ${res.body.accepted} of ${events.length}: ${res.text.slice(0, 200)}`);
    if (landed === null) {
      // A 429 (more than 10 batches a second from one install) counts nothing: listed in report.rateLimited.
      if (res.status !== 429) surprise('POST /analytics/events', res);
      return;
    }
    for (const event of events) {
      const known = context.events.get(event.id as string);
      if (!known || known.landed === 'maybe') context.events.set(event.id as string, { id: event.id as string, landed });
    }
    lastBatch = fresh;
  }

  // Users start spread over the first think time, not all at once.
  await sleep(random() * context.thinkMs);
  while (Date.now() < context.endAt && !context.stopping()) {
    if (pendingCreate) {
      const { note, body } = pendingCreate;
      await sendCreate(note, body);
    } else {
      let roll = random() * totalWeight;
      const operation = operations.find(([weight]) => (roll -= weight) < 0) ?? operations[0];
      const stale = mine().find((note) => note.version === -1 && note.created === 'yes');
      if (stale) await refresh(stale);
      else await operation?.[1]();
    }
    await sleep(random() * 2 * context.thinkMs);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------- things

/** The most messages a device sends in a second: the contract drops what a thing sends beyond 10 a second. */
const devicePublishesPerSecond = 5;

/**
 * A device's link as an offline-first thing has it: a reading taken while the connection is down waits in the
 * device's own backlog, and the backlog goes out at most `devicePublishesPerSecond` a second once the connection is
 * back (a device that flushed a 20 s backlog at once lost most of it to the contract's limit, acknowledged by the
 * broker). The simulator sees the link as connected until it is ended, so it keeps taking readings meanwhile.
 */
function backlogLink(link: DeviceLink, telemetryTopic: string): DeviceLink {
  const backlog: Array<{ payload: string; qos: 0 | 1; resolve: () => void; reject: (error: Error) => void }> = [];
  let sentThisSecond = 0;
  let ended = false;
  const flush = () => {
    while (link.connected && backlog.length > 0 && sentThisSecond < devicePublishesPerSecond) {
      const item = backlog.shift() as (typeof backlog)[number];
      sentThisSecond += 1;
      link.publish(telemetryTopic, item.payload, item.qos).then(item.resolve, item.reject);
    }
  };
  const timer = setInterval(() => {
    sentThisSecond = 0;
    flush();
  }, 1000);
  return {
    get connected() {
      return !ended;
    },
    publish(topic, payload, qos) {
      if (topic !== telemetryTopic) return link.publish(topic, payload, qos);
      return new Promise<void>((resolve, reject) => {
        backlog.push({ payload, qos, resolve, reject });
        flush();
      });
    },
    subscribe: (topic, qos) => link.subscribe(topic, qos),
    async end(force) {
      ended = true;
      clearInterval(timer);
      // Readings still in the backlog were never sent: they stay "may have landed" (never acknowledged).
      for (const item of backlog.splice(0)) item.reject(new Error('device stopped with the reading in its backlog'));
      await link.end(force);
    },
  };
}

async function startThings(count: number, rate: number, readings: Map<string, LedgerReading>, recorder: Recorder, retries: string[], underFaults: boolean): Promise<{ simulations: Simulation[]; owners: TestUser[] }> {
  // Under fault drills a device keeps reconnecting while the broker refuses it (its authorizer's service or
  // DynamoDB is down for a while), as IoT Core devices do with their SDK's backoff; otherwise it gives up after 5.
  const mqttLink = mqttLinkWith(underFaults ? { refusalsBeforeGivingUp: 60, reconnectPeriodMs: 1000 } : {});
  const simulations: Simulation[] = [];
  const owners: TestUser[] = [];
  // Each thing's readings handed to the client and not yet acknowledged, oldest first: a failed publish (an `error`
  // event names the thing, not the reading) is the oldest of them, as one thing's publishes are answered in order.
  const unacked = new Map<string, number[]>();
  const io = {
    log: () => undefined,
    onEvent: (event: DeviceEvent) => {
      if (event.type === 'published') {
        readings.set(`${event.thingId}|${event.ts}`, { thingId: event.thingId, ts: event.ts, metrics: Object.keys(event.payload), landed: 'maybe' });
        unacked.set(event.thingId, [...(unacked.get(event.thingId) ?? []), event.ts]);
      } else if (event.type === 'acked') {
        const reading = readings.get(`${event.thingId}|${event.ts}`);
        if (reading) reading.landed = 'yes';
        unacked.set(event.thingId, (unacked.get(event.thingId) ?? []).filter((ts) => ts !== event.ts));
        recorder.record('telemetry.publish', 200, event.ms, { askedInOutage: false, wellFormed: true, heldWhileDown: true });
      } else if (event.type === 'error') {
        // The simulator's other errors (desired state it cannot apply, a subscription refused) are not a QoS 1
        // publish: no correct platform causes them here.
        if (event.message.startsWith('publish:')) {
          const pending = unacked.get(event.thingId) ?? [];
          const oldest = pending.shift();
          recorder.unacknowledged('telemetry.publish', oldest === undefined ? 0 : Date.now() - oldest, event.message);
        } else if (event.message.startsWith('report:')) recorder.unacknowledged('state.report', 0, event.message);
        else recorder.surprise(`thing ${event.thingId}: ${event.message}`);
      }
    },
  };
  await warmAuthorizer();
  // A user may own 50 things: one owner per 50.
  for (let first = 0; first < count; first += 50) {
    // The first connections can still meet the custom authorizer's Lambda cold on a busy machine and outlast its
    // 5 s timeout (refused). A fleet that fails to connect is stopped and started again as new things of a new
    // owner: re-provisioning the same things would rotate the credentials of devices that were just connected.
    let simulation: Simulation | undefined;
    for (let attempt = 1; !simulation; attempt += 1) {
      const owner = await setupStep('things owner', retries, () => createTestUser('load-things'));
      const parsed = parseSimulateArgs(['--things', String(Math.min(50, count - first)), '--rate', String(rate), '--qos', '1', '--prefix', 'load-thing', '--email', owner.email, '--password', owner.password, '--api', baseUrl()], {});
      if (parsed === 'help') throw new Error('unexpected simulator help');
      // Every link of the attempt, so a failed one leaves no device connecting (and reconnecting) behind.
      const links: DeviceLink[] = [];
      let abandoned = false;
      const connect: ConnectLink = async (credentials, handlers) => {
        const link = backlogLink(await mqttLink(credentials, handlers), credentials.topics.telemetry);
        links.push(link);
        if (abandoned) await link.end(true);
        return link;
      };
      try {
        simulation = await startSimulation(parsed, { ...io, connect });
        owners.push(owner);
      } catch (error) {
        abandoned = true;
        await Promise.all(links.map((link) => link.end(true).catch(() => undefined)));
        if (attempt >= 3) throw error;
        retries.push(`things: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
        await sleep(2000);
      }
    }
    simulations.push(simulation);
  }
  return { simulations, owners };
}

/** One CONNECT with credentials that do not exist: the broker asks the custom authorizer, whose Lambda then is warm. */
async function warmAuthorizer(): Promise<void> {
  const client = await connectAsync(`mqtt://127.0.0.1:${process.env.MQTT_PORT ?? '1883'}`, { clientId: `warm-${randomUUID()}`, username: 'warm-up', password: 'warm-up', reconnectPeriod: 0, connectTimeout: 20_000 }).catch(() => null);
  await client?.endAsync(true);
}

// ---------------------------------------------------------------------------------------------------- start

export async function startWorkload(options: WorkloadOptions): Promise<Workload> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const thinkMs = options.thinkMs ?? 1000;
  const setupRecorder = new Recorder();
  const recorder = new Recorder(options.outage);
  const setupStarted = Date.now();
  // Setup requests (sign-ups, device registrations) are not part of the load figures.
  const setupRetries: string[] = [];
  const [users, admin, photo] = await Promise.all([
    createUsers(options.users, options.seed, setupRecorder, timeoutMs, setupRetries),
    setupStep('admin', setupRetries, () => createTestAdmin('load-admin')),
    solidPng(96, 64, '#3366cc'),
  ]);
  const readings = new Map<string, LedgerReading>();
  const things = options.things > 0 ? await startThings(options.things, options.thingRate ?? 0.5, readings, recorder, setupRetries, options.outage !== undefined) : { simulations: [], owners: [] };
  log(`workload set up in ${Math.round((Date.now() - setupStarted) / 1000)} s: ${users.length} users, ${options.things} things`);

  const started = Date.now();
  let stopping = false;
  const context: Context = {
    recorder,
    users,
    notes: [],
    shares: new Map(),
    uploads: [],
    events: new Map(),
    analyticsType: `load.opened.${options.seed.toString(36)}${randomUUID().slice(0, 6)}`,
    photo,
    timeoutMs,
    thinkMs,
    endAt: started + options.seconds * 1000,
    stopping: () => stopping,
  };
  const loops = Promise.all(users.map((user) => runUser(context, user, seededRandom(options.seed * 31 + user.index + 1))));
  // The things stop with the users (by time, or on stop()), waiting for their outstanding acknowledgements.
  const finished = loops.then(() => Promise.all(things.simulations.map((simulation) => simulation.stop()))).then(() => undefined);
  let report: Promise<WorkloadReport> | null = null;

  const stop = () => {
    report ??= (async () => {
      stopping = true;
      await finished;
      const stoppedAt = Date.now();
      const seconds = (stoppedAt - started) / 1000;
      return {
        startedAt: new Date(started).toISOString(),
        stoppedAt: new Date(stoppedAt).toISOString(),
        seconds: Math.round(seconds * 10) / 10,
        seed: options.seed,
        users,
        admin,
        analyticsType: context.analyticsType,
        things: things.simulations.flatMap((simulation, owner) => simulation.things.map((thing) => ({ thingId: thing.thingId, owner }))),
        thingOwners: things.owners,
        ledger: { notes: context.notes, shares: [...context.shares.values()], uploads: context.uploads, readings: [...readings.values()], events: [...context.events.values()] },
        setupRetries,
        requestsSent: recorder.requestsSent,
        serverErrors: recorder.serverErrors,
        noAnswer: recorder.noAnswer,
        rateLimited: recorder.rateLimited(),
        duringOutage: recorder.duringOutage,
        unexpected: recorder.unexpected,
        unexpectedCount: recorder.unexpectedCount,
        operations: recorder.figures(seconds),
        throughputPerSecond: Math.round((recorder.requestsSent / Math.max(seconds, 1)) * 10) / 10,
      };
    })();
    return report;
  };
  return { stop, finished };
}

export { checkWorkload } from './workload-check';
export type { CheckOptions, WorkloadCheck } from './workload-check';
