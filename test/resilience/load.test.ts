// Load: the profile's app users and things against the whole local platform through the gateway for the profile's
// seconds, then the check of every read model (support/workload-check.ts). Goals: no 5xx, no answer a correct
// server would not give, nothing lost, nothing duplicated. The full profile also writes bench/results/load.json
// (throughput and p50/p95/p99 per operation), which the README's benchmark summary shows, and the README's
// per-operation table of the run (support/load-table.ts).
import os from 'node:os';
import { writeResult } from '../../bench/support';
import { recordFigures } from './support/figures';
import { writeLoadTable } from './support/load-table';
import { resilienceProfile } from './support/profile';
import { checkWorkload, startWorkload, type WorkloadCheck, type WorkloadReport } from './support/workload';

const profile = resilienceProfile();
let report: WorkloadReport | undefined;
let check: WorkloadCheck | undefined;
let error: string | undefined;

function notes(): string[] {
  if (!report) return [`no report${error ? `: ${error}` : ''}`];
  const lines = [
    `${profile.loadUsers} users + ${profile.loadThings} things for ${report.seconds} s: ${report.requestsSent} requests and readings, ${report.throughputPerSecond}/s, ${report.noAnswer} without answer, ${report.unexpectedCount} unexpected answers`,
    ...Object.entries(report.operations).map(([operation, figures]) => `${operation}: ${figures.count} (${figures.perSecond}/s), p50 ${figures.p50Ms} p95 ${figures.p95Ms} p99 ${figures.p99Ms} ms, statuses ${JSON.stringify(figures.statuses)}`),
  ];
  if (Object.keys(report.rateLimited).length > 0) lines.push(`rate limited (429, nothing done, not in the ledger): ${JSON.stringify(report.rateLimited)}`);
  if (check) lines.push(`read models agreed, seconds after the load stopped: ${JSON.stringify(check.settleSeconds)} (bounds ${JSON.stringify(check.boundsSeconds)})`, ...check.problems.slice(0, 20));
  lines.push(...report.unexpected.slice(0, 10).map((line) => `unexpected: ${line}`), ...report.setupRetries.slice(0, 10).map((line) => `setup retried: ${line}`));
  return lines;
}

afterAll(() => {
  // Recorded also when an assertion failed, so the table shows what the run found.
  recordFigures('load', {
    requestsSent: report?.requestsSent ?? 0,
    serverErrors: report?.serverErrors ?? 0,
    writesChecked: check?.writesChecked ?? 0,
    lost: check?.lost ?? 0,
    duplicated: check?.duplicated ?? 0,
    notes: notes(),
  });
});

test(`load: ${profile.loadUsers} users and ${profile.loadThings} things for ${profile.loadSeconds} s lose and duplicate nothing`, async () => {
  // Prepare
  const loadAverage = os.loadavg()[0] ?? 0;
  const workload = await startWorkload({ users: profile.loadUsers, things: profile.loadThings, seconds: profile.loadSeconds, seed: profile.seed, log: (line) => console.log(line) });

  // Act
  try {
    await workload.finished;
    report = await workload.stop();
    check = await checkWorkload(report, { log: (line) => console.log(line) });
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
    throw caught;
  }
  console.log(notes().join('\n'));
  if (profile.name === 'full') {
    const operations = Object.fromEntries(Object.entries(report.operations).map(([operation, figures]) => [operation, { count: figures.count, perSecond: figures.perSecond, p50Ms: figures.p50Ms, p95Ms: figures.p95Ms, p99Ms: figures.p99Ms, maxMs: figures.maxMs, statuses: figures.statuses }]));
    const writes = ['notes.create', 'notes.patch', 'notes.share', 'notes.delete'].map((operation) => report?.operations[operation]).filter((figures) => figures !== undefined);
    const writeP99 = Math.max(...writes.map((figures) => figures.p99Ms));
    writeResult('load', {
      users: profile.loadUsers,
      things: profile.loadThings,
      seconds: report.seconds,
      seed: profile.seed,
      loadAverageAtStart: Math.round(loadAverage * 100) / 100,
      requests: report.requestsSent,
      throughputPerSecond: report.throughputPerSecond,
      serverErrors: report.serverErrors,
      writesChecked: check.writesChecked,
      lost: check.lost,
      duplicated: check.duplicated,
      settleSeconds: check.settleSeconds,
      boundsSeconds: check.boundsSeconds,
      operations,
      summary: `${profile.loadUsers} app users + ${profile.loadThings} things for ${Math.round(report.seconds)} s: ${report.throughputPerSecond} requests/s, note writes p99 ≤ ${writeP99} ms, search p99 ${report.operations.search?.p99Ms ?? '—'} ms; ${report.serverErrors} 5xx, ${check.writesChecked} writes checked, ${check.lost} lost, ${check.duplicated} duplicated`,
      goal: '0 5xx, 0 lost, 0 duplicated (npm run test:resilience)',
    });
    // The README's per-operation table of the last full run (section "Resilience suite").
    writeLoadTable();
  }

  // Assess
  expect(report.requestsSent).toBeGreaterThan(0);
  expect(check.writesChecked).toBeGreaterThan(0);
  expect({ serverErrors: report.serverErrors, noAnswer: report.noAnswer, unexpected: report.unexpected }).toEqual({ serverErrors: 0, noAnswer: 0, unexpected: [] });
  expect(check.problems).toEqual([]);
  expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
});
