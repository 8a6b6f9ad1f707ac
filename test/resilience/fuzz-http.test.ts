// HTTP fuzz: every operation of docs/openapi.json gets `fuzzRunsPerOperation` generated requests (valid, boundary
// and invalid ones from its schemas, hostile headers and bodies), sent as user A with A's own ids mixed with user
// B's ids and junk. Every answer must hold the properties of support/answer-checks.ts; afterwards B's resources
// must be as they were. A violation fails with the operation's seed and fast-check's shrunk counterexample
// (repeat the whole run with RESILIENCE_SEED=<seed>).
//
// Nothing is skipped, but three kinds of operation are sent with care:
// - `DELETE /users/me` and `POST /auth/logout` would end the caller's session: they run last, as a scratch user.
// - DELETE operations on A's resources run after every other operation, so the others meet live resources.
// - `POST /media/uploads` is fuzzed as a request for an upload ticket; the presigned PUT it hands out goes to
//   storage, not to the API, so the bytes themselves are outside this fuzz (the thumbnails integration tests
//   upload broken images).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { api } from '../support/api';
import { createTestAdmin, createTestUser } from '../support/users';
import type { TestUser } from '../support/users';
import { answerProblem } from './support/answer-checks';
import { recordFigures } from './support/figures';
import type { FuzzCase, FuzzContext, Operation } from './support/fuzz-requests';
import { buildRequest, loadOperations, requestCases } from './support/fuzz-requests';
import { resilienceProfile } from './support/profile';

const profile = resilienceProfile();
const operations = loadOperations();
/** Operations sent at once; each one's cases go one after another, so shrinking stays deterministic. */
const concurrency = 4;

/**
 * How long one operation's cases may take, ms: 0.6 s a case, at least 120 s. The slowest operation of the last full
 * run (GET /health, 200 cases beside three other operations on two cores) took 22.3 s, 0.11 s a case; the short
 * profile's 50 cases get 120 s, the full profile's 200 as well: five times the slowest seen, for a busy machine.
 */
const fuzzTimeLimitMs = (runs: number) => Math.max(120_000, runs * 600);
/** Sent last, in this order, as a scratch user: they end the caller's session. */
const selfEndingOrder = ['POST /auth/logout', 'DELETE /users/me'];
const selfEnding = new Set(selfEndingOrder);

/** API Gateway's limit on the request line plus headers of an HTTP API. */
const gatewayHeaderLimit = 10_240;
let oversizedSent = 0;
let transportRetries = 0;
let healthDegraded = 0;

function oversized(url: string, headers: Headers): boolean {
  const { pathname, search } = new URL(url);
  let size = pathname.length + search.length + 20;
  headers.forEach((value, name) => {
    size += name.length + value.length + 4;
  });
  return size > gatewayHeaderLimit;
}

let requestsSent = 0;
let serverErrors = 0;
const casesPerOperation: Record<string, number> = {};
const secondsPerOperation: Record<string, number> = {};
const notes: string[] = [];

interface Resources {
  user: TestUser;
  noteIds: string[];
  thingId: string;
  deviceId: string;
  mediaKey: string;
}

async function created<T>(path: string, user: TestUser, body: unknown): Promise<T> {
  const response = await api<T>(path, { method: 'POST', token: user.accessToken, body });
  requestsSent += 1;
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${response.text}`);
  return response.body;
}

async function createResources(user: TestUser, secret: string): Promise<Resources> {
  const notesMade = await Promise.all([0, 1].map((index) => created<{ id: string }>('/notes', user, { title: `${secret} title ${index}`, body: `${secret} body`, tags: ['fuzz'] })));
  const thing = await created<{ thing: { thingId: string } }>('/things', user, { name: `${secret} thing`, attributes: { room: `${secret} room` } });
  const device = await created<{ deviceId: string }>('/devices', user, { platform: 'android', token: `${secret.replace(/\W/g, '')}pushtoken`.padEnd(120, randomUUID().replace(/-/g, '')) });
  const upload = await created<{ key: string }>('/media/uploads', user, { contentType: 'image/png', size: 1024 });
  return { user, noteIds: notesMade.map((note) => note.id), thingId: thing.thing.thingId, deviceId: device.deviceId, mediaKey: upload.key };
}

/** What B's resources look like to B (presence fields left out: they move on their own). */
async function snapshot(owner: Resources): Promise<unknown> {
  const read = async (path: string) => {
    const response = await api<Record<string, unknown>>(path, { token: owner.user.accessToken });
    requestsSent += 1;
    return { status: response.status, body: response.body };
  };
  const thing = await read(`/things/${owner.thingId}`);
  const { online: _online, lastSeenAt: _lastSeenAt, ...thingBody } = thing.body ?? {};
  return {
    notes: await Promise.all(owner.noteIds.map((id) => read(`/notes/${id}`))),
    noteList: await read('/notes?limit=100'),
    thing: { status: thing.status, body: thingBody },
    alerts: await read(`/things/${owner.thingId}/alerts`),
    devices: await read('/devices'),
    media: await read(`/media/${encodeURIComponent(owner.mediaKey)}`),
    profile: await read('/users/me'),
  };
}

/** Seeds per operation, derived from the run's seed, so one operation's cases repeat whatever the others do. */
function seedFor(operation: string): number {
  let hash = profile.seed | 0;
  for (const char of operation) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

const shorten = (text: string, max = 600) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

function describeCase(fuzzCase: FuzzCase): string {
  return shorten(JSON.stringify(fuzzCase, (_key, value: unknown) => (typeof value === 'string' && value.length > 80 ? `${value.slice(0, 40)}…(${value.length} chars)` : value)), 1500);
}

interface Violation {
  operation: string;
  seed: number;
  report: string;
}

async function fuzzOperation(operation: Operation, context: FuzzContext, foreignMarkers: readonly string[]): Promise<Violation | undefined> {
  const seed = seedFor(operation.name);
  const property = fc.asyncProperty(requestCases(operation, context), async (fuzzCase) => {
    const { url, init } = buildRequest(operation, fuzzCase, context);
    requestsSent += 1;
    let answer: { status: number; headers: Headers; text: string } | undefined;
    // A pooled keep-alive connection the gateway closes just as fetch reuses it resets (a transport race of
    // the client, seen about once in 3,000 requests): one retry on a fresh attempt; a second failure is a finding.
    for (let attempt = 1; answer === undefined; attempt += 1) {
      try {
        const response = await fetch(url, init);
        answer = { status: response.status, headers: response.headers, text: await response.text() };
      } catch (error) {
        if (attempt === 2) throw new Error(`no answer: ${String((error as Error).cause ?? error)}`);
        transportRetries += 1;
        requestsSent += 1;
      }
    }
    if (oversized(url, init.headers as Headers)) oversizedSent += 1;
    if (oversized(url, init.headers as Headers) && !answer.headers.get('x-request-id')) {
      // Over API Gateway's 10 KB of request line and headers (refused there with its own body) and over the local
      // HTTP server's 16 KB, which answers 431 before the API sees it: the API's error shape cannot be asked of
      // such a refusal, but a refusal it must be, never a crash. Below 16 KB the API answers as usual.
      if (answer.status < 400 || answer.status >= 500) throw new Error(`${operation.name}: a ${answer.status} without a request id to a request over 10 KB of request line and headers`);
      return;
    }
    // GET /health answers 503 only when a service or emulator is down, which never happens during the fuzz: a 503
    // here is a 5xx like any other (it once was, when health probes queued behind slow requests in the gateway).
    if (operation.name === 'GET /health' && answer.status === 503) healthDegraded += 1;
    if (answer.status >= 500) serverErrors += 1;
    const mustRefuse = fuzzCase.auth !== 'caller' && fuzzCase.auth !== 'lowercase-scheme' && (operation.auth === 'required' || (operation.auth === 'optional' && fuzzCase.auth !== 'none'));
    const problem = answerProblem({ operation: operation.name, answer, mustRefuse, foreignMarkers });
    if (problem) throw new Error(`${operation.name}: ${problem}\n  answer ${answer.status}: ${shorten(answer.text)}`);
  });
  const startedAt = Date.now();
  // An operation that runs out of time fails (markInterruptAsFailure) rather than passing on fewer cases.
  const result = await fc.check(property, { numRuns: profile.fuzzRunsPerOperation, seed, interruptAfterTimeLimit: fuzzTimeLimitMs(profile.fuzzRunsPerOperation), markInterruptAsFailure: true });
  casesPerOperation[operation.name] = result.numRuns;
  secondsPerOperation[operation.name] = (Date.now() - startedAt) / 1000;
  if (result.interrupted) {
    return { operation: operation.name, seed, report: `interrupted after ${result.numRuns} of ${profile.fuzzRunsPerOperation} cases in ${fuzzTimeLimitMs(profile.fuzzRunsPerOperation) / 1000} s (seed ${seed})` };
  }
  if (!result.failed) return undefined;
  const [counterexample] = result.counterexample ?? [];
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  return {
    operation: operation.name,
    seed,
    report: `${error}\n  seed ${seed}, path ${result.counterexamplePath ?? '?'}, after ${result.numRuns} runs and ${result.numShrinks} shrinks\n  counterexample ${counterexample ? describeCase(counterexample) : '?'}`,
  };
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

describe('HTTP fuzz of every operation in docs/openapi.json', () => {
  let a: Resources;
  let b: Resources;
  let scratch: TestUser;
  let context: FuzzContext;
  let foreignMarkers: string[];
  let before: unknown;
  const started = Date.now();

  beforeAll(async () => {
    // Prepare: A (an admin, so the analytics reads get past the role check) and B, each with a note, a thing, a
    // device and an upload ticket; B's hold words that must never reach A.
    const secret = `quokka${randomUUID().slice(0, 8)}`;
    const [userA, userB] = await Promise.all([createTestAdmin('fuzz-a'), createTestUser('fuzz-b')]);
    scratch = await createTestUser('fuzz-scratch');
    requestsSent += 3 * 3;
    a = await createResources(userA, 'own');
    b = await createResources(userB, `${secret} private`);
    foreignMarkers = [`${secret} private title`, `${secret} private body`, `${secret} private thing`, `${secret} private room`, `${secret}privatepushtoken`];
    context = {
      callerToken: userA.accessToken,
      callerIdToken: userA.idToken,
      hints: {
        id: [...a.noteIds, ...b.noteIds],
        thingId: [a.thingId, b.thingId],
        deviceId: [a.deviceId, b.deviceId],
        key: [a.mediaKey, b.mediaKey],
        photoKey: [a.mediaKey, b.mediaKey],
        userId: [userA.userId, userB.userId],
        sharedWith: [userB.userId, userA.userId],
        email: [userA.email, userB.email],
        q: [secret, 'own', 'fuzz'],
        metric: ['temp'],
        type: ['app.open', '_screen.view', 'server.note.created'],
        file: ['swagger-ui.css', 'swagger-ui-bundle.js', 'index.css'],
      },
      versions: ['1', '2', '3'],
    };
    before = await snapshot(b);
  });

  afterAll(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    recordFigures('fuzz-http', {
      requestsSent,
      serverErrors,
      fuzzCasesPerOperation: casesPerOperation,
      notes: [
        `${Object.keys(casesPerOperation).length} of ${operations.length} operations fuzzed in ${seconds} s (seed ${profile.seed}, ${concurrency} operations at a time)`,
        `local-only operations in the document fuzzed too: ${operations.filter((operation) => operation.path.startsWith('/dev/')).map((operation) => operation.name).join(', ') || 'none'}`,
        'POST /media/uploads: the ticket request is fuzzed; the presigned PUT goes to storage, not the API',
        `${[...selfEnding].join(' and ')}: sent last, as a scratch user (they end the caller's session)`,
        `${oversizedSent} requests over API Gateway's 10 KB of request line and headers: those refused before the API (over the local server's 16 KB) only asked for a 4xx`,
        `slowest operations: ${Object.entries(secondsPerOperation)
          .sort(([, x], [, y]) => y - x)
          .slice(0, 4)
          .map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`)
          .join(', ')}`,
        `${transportRetries} requests sent again after a connection reset without an answer`,
        `GET /health answered 503 ${healthDegraded} times with every service up (counted as 5xx above)`,
        ...notes,
      ],
    });
  });

  test('no answer is a 5xx, leaks or breaks the error contract; B is untouched', async () => {
    // Act
    const violations: Violation[] = [];
    const run = (token: string) => async (operation: Operation) => {
      const violation = await fuzzOperation(operation, { ...context, callerToken: token }, foreignMarkers);
      if (violation) violations.push(violation);
    };
    const ordinary = operations.filter((operation) => !selfEnding.has(operation.name));
    await inPool(
      ordinary.filter((operation) => operation.method !== 'DELETE'),
      concurrency,
      run(a.user.accessToken),
    );
    await inPool(
      ordinary.filter((operation) => operation.method === 'DELETE'),
      concurrency,
      run(a.user.accessToken),
    );
    for (const name of selfEndingOrder) {
      const operation = operations.find((candidate) => candidate.name === name);
      if (operation) await run(scratch.accessToken)(operation);
    }
    const after = await snapshot(b);
    for (const violation of violations) notes.push(`VIOLATION ${violation.operation} (seed ${violation.seed}): ${violation.report.split('\n')[0]}`);

    // Assess
    expect(violations.map((violation) => `${violation.operation}\n  ${violation.report}`).join('\n\n')).toBe('');
    expect(Object.keys(casesPerOperation).sort()).toEqual(operations.map((operation) => operation.name).sort());
    expect(Object.entries(casesPerOperation).filter(([, cases]) => cases !== profile.fuzzRunsPerOperation)).toEqual([]);
    expect(after).toEqual(before);
  });
});
