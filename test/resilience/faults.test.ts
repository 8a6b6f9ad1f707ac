// Faults during a load run (issue #17): while the load part's workload runs (support/workload.ts: the realistic mix
// of app users and things), DynamoDB Local, the SNS emulator, the MQTT broker and one service's process are each
// killed at a seeded random moment for a few seconds and started again (through the platform's fault drills,
// FAULT_CONTROL_URL). During an outage every HTTP answer is a quick JSON 503 or a success, never a 500 or a hang;
// outside one there is no 5xx. Afterwards the same check as the load part's (support/workload-check.ts) finds every
// acknowledged write in every read model it must reach, exactly once. The only manual step is the one the contract
// names: `npm run redrive` for what a consumer dead-lettered while its dependency was down (README, Failures and
// redrive).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { api } from '../support/api';
import { eventually } from '../support/eventually';
import { recordFigures } from './support/figures';
import { seededRandom } from '../../scripts/seeded-random';
import { drillClock, hangMs } from './support/outage';
import { resilienceProfile } from './support/profile';
import { checkWorkload, startWorkload, type WorkloadCheck, type WorkloadReport } from './support/workload';

const repoRoot = path.join(__dirname, '..', '..');
const profile = resilienceProfile();
// The drill's choices (which service, when) and the workload's draw from separate streams, so a seed repeats the
// drill whatever the workload's timing.
const random = seededRandom(profile.seed);
/** How long each component stays down; the drills share the profile's fault window. */
const outageMs = profile.name === 'short' ? 3000 : 10_000;
/** Answers this long after a component is back still count as the outage's (serverless-offline warms up). */
const recoveryGraceMs = 5000;
/** Services whose process a drill may kill: those on the workload's write paths. */
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
  /** From the start call until the API's health route answered 200 again. */
  recoverMs: number;
}

describe('faults during a load run', () => {
  const outage = drillClock();
  const timings: DrillTiming[] = [];
  let report: WorkloadReport | undefined;
  let checked: WorkloadCheck | undefined;
  let redriveNote = 'no dead letters: nothing to redrive';
  let redriven = 0;
  const started = Date.now();

  beforeAll(async () => {
    // Prepare: the workload's users (devices registered) and things, under load before the first fault. It would
    // stop by itself after four fault windows; it is stopped once the drills are over.
    const workload = await startWorkload({
      users: profile.faultUsers,
      things: profile.faultThings,
      seconds: profile.faultSeconds * 4,
      seed: profile.seed,
      outage,
      requestTimeoutMs: hangMs * 2,
      log: (line) => console.log(line),
    });

    try {
      // Act: each fault at a seeded moment of its share of the window, one after the other.
      const service = killableServices[Math.floor(random() * killableServices.length)] as string;
      const components = ['dynamodb', 'sns', 'mqtt', `service:${service}`];
      const slotMs = (profile.faultSeconds * 1000) / components.length;
      for (const component of components) {
        await sleep(Math.floor(random() * Math.max(0, slotMs - outageMs)));
        outage.stop();
        await control(component, 'stop');
        const stoppedAt = Date.now();
        await sleep(outageMs);
        const restartMs = await control(component, 'start');
        const startedAt = Date.now();
        outage.start(recoveryGraceMs);
        // Recovered: the health route says every part is up again.
        await eventually(() => api('/health'), (res) => res.status === 200, 60_000);
        timings.push({ component, outageMs: startedAt - stoppedAt, restartMs, recoverMs: Date.now() - startedAt });
        await sleep(Math.max(0, outage.until - Date.now()));
      }
      await sleep(3000);
    } finally {
      report = await workload.stop();
    }
  }, 600_000);

  afterAll(() => {
    const during = report?.duringOutage;
    recordFigures('faults', {
      faultsInjected: timings.length,
      requestsSent: report?.requestsSent ?? 0,
      serverErrors: report?.serverErrors ?? 0,
      writesChecked: checked?.writesChecked ?? 0,
      lost: checked?.lost ?? 0,
      duplicated: checked?.duplicated ?? 0,
      notes: [
        `${profile.faultUsers} users + ${profile.faultThings} things for ${report?.seconds ?? 0} s (seed ${profile.seed}): ${report?.requestsSent ?? 0} requests and readings; ${Math.round((Date.now() - started) / 1000)} s with setup and check`,
        ...timings.map((t) => `${t.component}: down ${(t.outageMs / 1000).toFixed(1)} s, restart ${(t.restartMs / 1000).toFixed(1)} s, API healthy ${(t.recoverMs / 1000).toFixed(1)} s after the start`),
        `answers during outages: ${during?.answers ?? 0} (${during?.status503 ?? 0} × 503, the slowest 503 ${during?.slowest503Ms ?? 0} ms), slowest ${during?.slowestMs ?? 0} ms`,
        redriveNote,
        `QoS 1 publishes left unacknowledged by an outage (may have landed): ${during?.unacknowledged ?? 0}`,
        ...(report && Object.keys(report.rateLimited).length > 0 ? [`rate limited (429, nothing done, not in the ledger): ${JSON.stringify(report.rateLimited)}`] : []),
        ...(checked ? [`read models agreed, seconds after the redrive: ${JSON.stringify(checked.settleSeconds)} (bounds ${JSON.stringify(checked.boundsSeconds)}; search from the load's stop)`, ...checked.problems.slice(0, 10)] : []),
        ...(during?.problems ?? []).slice(0, 10).map((line) => `during an outage: ${line}`),
        ...(report?.unexpected ?? []).slice(0, 10).map((line) => `unexpected: ${line}`),
      ],
    });
  });

  it('answers a quick JSON 503 or a success during every outage, never a 500 or a hang', () => {
    // Assess
    expect(timings.map((t) => t.component)).toHaveLength(4);
    expect(report?.duringOutage.answers).toBeGreaterThan(0);
    expect(report?.duringOutage.problems).toEqual([]);
  });

  it('answers no 5xx outside the outages, and only what a correct server answers', () => {
    // Assess
    expect({ serverErrors: report?.serverErrors, noAnswer: report?.noAnswer, unexpected: report?.unexpected }).toEqual({ serverErrors: 0, noAnswer: 0, unexpected: [] });
  });

  it('delivers every acknowledged write to every read model once, with at most the redrive the contract names', async () => {
    if (!report) throw new Error('the workload did not report');
    // Act: what consumers dead-lettered while a dependency was down is replayed as an operator would, then the load
    // part's check. (Asynchronously: a blocked event loop would let the API client reuse keep-alive sockets the
    // gateway closed.)
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
      redriven = replayed.filter((line) => line.startsWith('redriven')).length;
      redriveNote = `npm run redrive (the contract's tool) replayed ${replayed.length} dead letter(s) (${redriven} redriven): ${[...perConsumer].map(([consumer, n]) => `${consumer} ×${n}`).join(', ')}`;
    }
    // The read models' bounds count from here: a dead letter's write is delivered only by the redrive.
    checked = await checkWorkload(report, { since: Date.now(), log: (line) => console.log(line) });

    // Assess: nothing failed to replay, and nothing was skipped (a skip is a letter another run replayed, or one
    // already redriven listed as pending: this run is the only one, on letters of its own platform).
    expect(replayed.filter((line) => line.startsWith('failed'))).toEqual([]);
    expect(replayed.filter((line) => line.startsWith('skipped'))).toEqual([]);
    expect(checked.writesChecked).toBeGreaterThan(0);
    expect(checked.problems).toEqual([]);
    expect({ lost: checked.lost, duplicated: checked.duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 600_000);
});
