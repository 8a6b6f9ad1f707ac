// Faults during a load run (issue #17): with traffic running, DynamoDB Local, the SNS emulator, the MQTT broker and
// one service's process are each killed at a seeded random moment for a few seconds and started again (through the
// platform's fault drills, FAULT_CONTROL_URL). During an outage every HTTP answer is a quick JSON 503 or a success,
// never a 500 or a hang; afterwards every acknowledged write reaches /notes, /sync, search, the inbox, the push
// outbox and telemetry storage exactly once. The only manual step is the one the contract names: `npm run redrive`
// for what a consumer dead-lettered while its dependency was down (README, Failures and redrive).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { api } from '../support/api';
import { eventually } from '../support/eventually';
import { createTestUser, type TestUser } from '../support/users';
import { recordFigures } from './support/figures';
import { seededRandom } from '../../scripts/seeded-random';
import { hangMs, startTraffic, type NoteLedger, type Traffic } from './support/fault-traffic';
import { resilienceProfile } from './support/profile';

const repoRoot = path.join(__dirname, '..', '..');
const profile = resilienceProfile();
// The drill's choices (which service, when) and the traffic's draw from separate streams, so a seed repeats the drill
// whatever the traffic's timing.
const random = seededRandom(profile.seed);
const trafficRandom = seededRandom(profile.seed + 1);
/** How long each component stays down; the drills share the profile's fault window. */
const outageMs = profile.name === 'short' ? 3000 : 10_000;
/** Answers this long after a component is back still count as the outage's (serverless-offline warms up). */
const recoveryGraceMs = 5000;
/** Services whose process a drill may kill: those on the traffic's write paths. */
const killableServices = ['core-api', 'notifications', 'search', 'iot'];

async function control(component: string, action: 'stop' | 'start'): Promise<number> {
  const url = process.env.FAULT_CONTROL_URL;
  if (!url) throw new Error('FAULT_CONTROL_URL is not set: the resilience global setup starts the fault control server');
  const response = await fetch(`${url}/faults/${encodeURIComponent(component)}/${action}`, { method: 'POST' });
  const body = (await response.json()) as { ms?: number; error?: string };
  if (response.status !== 200) throw new Error(`fault control ${action} ${component}: ${response.status} ${body.error ?? ''}`);
  return body.ms ?? 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface DrillTiming {
  component: string;
  outageMs: number;
  restartMs: number;
  /** From the start call until the API answered a read of the component's path with a 200 again. */
  recoverMs: number;
}

async function readAll<T>(token: string, first: string, next: (body: T) => string | null, items: (body: T) => unknown[]): Promise<unknown[]> {
  const all: unknown[] = [];
  let url: string | null = first;
  while (url) {
    const response: { status: number; body: T; text: string } = await api<T>(url, { token });
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${response.text}`);
    all.push(...items(response.body));
    url = next(response.body);
  }
  return all;
}

describe('faults during a load run', () => {
  let users: TestUser[];
  let traffic: Traffic;
  const timings: DrillTiming[] = [];
  const outage = { until: 0, down: false, active: () => outage.down || Date.now() < outage.until };
  let redriveNote = 'no dead letters: nothing to redrive';
  let checked = { writesChecked: 0, lost: 0, duplicated: 0, problems: [] as string[] };

  beforeAll(async () => {
    // Prepare: users with a device each (pushes), things with credentials, then traffic.
    // One after another: the first sign-up builds the users service's functions (esbuild on demand), and three
    // at once on a cold 2-core machine outlast the Cognito trigger's timeout.
    users = [];
    for (const name of ['alpha', 'bravo', 'charlie']) users.push(await createTestUser(`fault-${name}`));
    for (const user of users) {
      const device = await api('/devices', { method: 'POST', token: user.accessToken, body: { platform: 'android', token: `drill_${user.userId.replace(/[^A-Za-z0-9]/g, '')}_${'x'.repeat(100)}` } });
      if (device.status !== 201) throw new Error(`POST /devices answered ${device.status}: ${device.text}`);
    }
    const things = await Promise.all(
      users.slice(0, 2).map(async (owner) => {
        const response = await api<{ thing: { thingId: string }; credentials: { clientId: string; username: string; password: string; topics: { telemetry: string } } }>('/things', { method: 'POST', token: owner.accessToken, body: { name: 'Drill sensor' } });
        if (response.status !== 201) throw new Error(`POST /things answered ${response.status}: ${response.text}`);
        return { thingId: response.body.thing.thingId, owner, credentials: response.body.credentials };
      }),
    );
    traffic = await startTraffic({ users, things, outage, random: trafficRandom });

    try {
      // Act: each fault at a seeded moment of its share of the window, one after the other.
      const service = killableServices[Math.floor(random() * killableServices.length)] as string;
      const components = ['dynamodb', 'sns', 'mqtt', `service:${service}`];
      const slotMs = (profile.faultSeconds * 1000) / components.length;
      for (const component of components) {
        await sleep(Math.floor(random() * Math.max(0, slotMs - outageMs)));
        outage.down = true;
        await control(component, 'stop');
        const stoppedAt = Date.now();
        await sleep(outageMs);
        const restartMs = await control(component, 'start');
        const startedAt = Date.now();
        outage.until = startedAt + recoveryGraceMs;
        outage.down = false;
        // Recovered: the API reads notes again (DynamoDB, core-api) and the health route says every part is up.
        await eventually(() => api('/health'), (res) => res.status === 200, 60_000);
        timings.push({ component, outageMs: startedAt - stoppedAt, restartMs, recoverMs: Date.now() - startedAt });
        await sleep(Math.max(0, outage.until - Date.now()));
      }
      await sleep(3000);
    } finally {
      await traffic.stop();
    }
  }, 600_000);

  afterAll(() => {
    const answers = traffic?.answers ?? [];
    recordFigures('faults', {
      faultsInjected: timings.length,
      requestsSent: answers.length + (traffic?.mqttPublishes ?? 0),
      serverErrors: answers.filter((a) => (a.status >= 500 || a.status === 0) && !(a.status === 503 && a.duringOutage)).length,
      writesChecked: checked.writesChecked,
      lost: checked.lost,
      duplicated: checked.duplicated,
      notes: [
        ...timings.map((t) => `${t.component}: down ${(t.outageMs / 1000).toFixed(1)} s, restart ${(t.restartMs / 1000).toFixed(1)} s, API healthy ${(t.recoverMs / 1000).toFixed(1)} s after the start`),
        `device connections refused or failed meanwhile: ${traffic?.refusedConnects ?? 0}`,
        `answers during outages: ${answers.filter((a) => a.duringOutage).length} (${answers.filter((a) => a.duringOutage && a.status === 503).length} × 503), slowest ${Math.max(0, ...answers.filter((a) => a.duringOutage).map((a) => a.ms))} ms`,
        redriveNote,
        ...checked.problems.slice(0, 10),
      ],
    });
  });

  it('answers a quick JSON 503 or a success during every outage, never a 500 or a hang', () => {
    // Assess
    const during = traffic.answers.filter((a) => a.duringOutage);
    const bad = during.filter((a) => !(a.status < 500 || a.status === 503) || a.ms > hangMs || !a.wellFormed);
    expect(timings.map((t) => t.component)).toHaveLength(4);
    expect(during.length).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  it('answers no 5xx outside the outages', () => {
    // Assess
    expect(traffic.answers.filter((a) => !a.duringOutage && (a.status >= 500 || a.status === 0))).toEqual([]);
  });

  it('delivers every acknowledged write to every read model once, with at most the redrive the contract names', async () => {
    // Act: what consumers dead-lettered while a dependency was down is replayed as an operator would.
    // (Asynchronously: a blocked event loop would let the API client reuse keep-alive sockets the gateway closed.)
    const letters = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/redrive.ts'], {
      cwd: repoRoot,
      env: { ...process.env, DEV_DATA_DIR: process.env.TEST_PLATFORM_DATA_DIR },
      encoding: 'utf8',
    });
    const replayed = letters.stdout.split('\n').filter((line) => /^(redriven|failed|skipped)/.test(line));
    if (!/Nothing to redrive/.test(letters.stdout)) {
      const perConsumer = new Map<string, number>();
      for (const line of replayed) {
        const consumer = line.split(/\s+/)[2] ?? '?';
        perConsumer.set(consumer, (perConsumer.get(consumer) ?? 0) + 1);
      }
      redriveNote = `npm run redrive (the contract's tool) replayed ${replayed.length} dead letter(s): ${[...perConsumer].map(([consumer, n]) => `${consumer} ×${n}`).join(', ')}`;
    }
    expect(replayed.filter((line) => line.startsWith('failed'))).toEqual([]);

    const problems: string[] = [];
    let lost = 0;
    let duplicated = 0;
    const expectOnce = (what: string, count: number) => {
      if (count === 0) {
        lost++;
        problems.push(`lost: ${what}`);
      } else if (count > 1) {
        duplicated++;
        problems.push(`duplicated ×${count}: ${what}`);
      }
    };
    const byOwner = new Map<TestUser, NoteLedger[]>();
    for (const note of traffic.notes) byOwner.set(note.owner, [...(byOwner.get(note.owner) ?? []), note]);

    // /notes and /sync: every acknowledged note once, with its last acknowledged title.
    for (const [owner, notes] of byOwner) {
      const listed = (await readAll<{ items: Array<{ id: string; title: string }>; nextCursor: string | null }>(owner.accessToken, '/notes?limit=100', (b) => (b.nextCursor ? `/notes?limit=100&cursor=${encodeURIComponent(b.nextCursor)}` : null), (b) => b.items)) as Array<{ id: string; title: string }>;
      const feed: Array<{ op: string; note?: { id: string; title: string } }> = [];
      let cursor: string | null = null;
      for (;;) {
        const page: { status: number; text: string; body: { changes: Array<{ op: string; note?: { id: string; title: string } }>; cursor: string; hasMore: boolean } } = await api(`/sync${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, { token: owner.accessToken });
        if (page.status !== 200) throw new Error(`GET /sync answered ${page.status}: ${page.text}`);
        feed.push(...page.body.changes);
        cursor = page.body.cursor;
        if (!page.body.hasMore) break;
      }
      const latest = new Map<string, string>();
      for (const change of feed) if (change.op === 'upsert' && change.note) latest.set(change.note.id, change.note.title);
      for (const note of notes) {
        expectOnce(`/notes ${note.id}`, listed.filter((n) => n.id === note.id && n.title === note.title).length);
        if (listed.filter((n) => n.id === note.id).length > 1) expectOnce(`/notes ${note.id} listed twice`, 2);
        expectOnce(`/sync ${note.id}`, latest.get(note.id) === note.title ? 1 : 0);
      }
    }

    // Search: each note's own word finds it once, with its last title (within the contract's seconds, after recovery).
    for (const note of traffic.notes) {
      const found = await eventually(
        () => api<{ items: Array<{ id: string; title: string }> }>(`/search?q=${note.word}`, { token: note.owner.accessToken }),
        (res) => res.status === 200 && res.body.items.some((i) => i.id === note.id && i.title === note.title),
        30_000,
      );
      expectOnce(`search ${note.id}`, found.body.items?.filter((i) => i.id === note.id && i.title === note.title).length ?? 0);
    }

    // Inbox and push outbox: one note.shared per shared note, to its recipient and their device.
    for (const recipient of users) {
      const shared = traffic.notes.filter((n) => n.sharedWith === recipient);
      const inbox = await eventually(
        () => readAll<{ items: Array<{ type: string; data: { noteId?: string } }>; nextCursor: string | null }>(recipient.accessToken, '/notifications?limit=100', (b) => (b.nextCursor ? `/notifications?limit=100&cursor=${encodeURIComponent(b.nextCursor)}` : null), (b) => b.items) as Promise<Array<{ type: string; data: { noteId?: string } }>>,
        (items) => shared.every((n) => items.some((i) => i.type === 'note.shared' && i.data.noteId === n.id)),
        30_000,
      );
      const pushes = await eventually(
        // Every page: a recipient of the full profile has more pushes than one page holds.
        () =>
          readAll<{ items: Array<{ data: { noteId?: string } }>; nextCursor: string | null }>(recipient.accessToken, '/dev/push-outbox?limit=100', (b) => (b.nextCursor ? `/dev/push-outbox?limit=100&cursor=${encodeURIComponent(b.nextCursor)}` : null), (b) => b.items) as Promise<
            Array<{ data: { noteId?: string } }>
          >,
        (items) => shared.every((n) => items.some((i) => i.data.noteId === n.id)),
        30_000,
      );
      for (const note of shared) {
        expectOnce(`inbox note.shared ${note.id} → ${recipient.userId}`, inbox.filter((i) => i.type === 'note.shared' && i.data.noteId === note.id).length);
        expectOnce(`push note.shared ${note.id} → ${recipient.userId}`, pushes.filter((i) => i.data.noteId === note.id).length);
      }
    }

    // Telemetry: every acknowledged reading stored once.
    let readings = 0;
    for (const thing of traffic.things) {
      const from = new Date(Math.min(...thing.acknowledged) - 1000).toISOString();
      const to = new Date(Math.max(...thing.acknowledged) + 1000).toISOString();
      const stored = await eventually(
        () => readAll<{ items: Array<{ at: string }>; nextCursor: string | null }>(thing.owner.accessToken, `/things/${thing.thingId}/telemetry?metric=drill&resolution=raw&limit=1000&from=${from}&to=${to}`, (b) => (b.nextCursor ? `/things/${thing.thingId}/telemetry?metric=drill&resolution=raw&limit=1000&from=${from}&to=${to}&cursor=${encodeURIComponent(b.nextCursor)}` : null), (b) => b.items) as Promise<Array<{ at: string }>>,
        (items) => thing.acknowledged.every((ts) => items.some((i) => i.at === new Date(ts).toISOString())),
        30_000,
      );
      for (const ts of thing.acknowledged) expectOnce(`telemetry ${thing.thingId} ${new Date(ts).toISOString()}`, stored.filter((i) => i.at === new Date(ts).toISOString()).length);
      readings += thing.acknowledged.length;
    }

    checked = { writesChecked: traffic.notes.length + traffic.notes.filter((n) => n.sharedWith).length + readings, lost, duplicated, problems };
    // Assess
    expect(traffic.notes.length).toBeGreaterThan(0);
    expect(readings).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }, 600_000);
});
