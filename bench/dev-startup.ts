// Time from `npm run dev` to `GET /health` 200, and the memory of the whole process tree, on a fresh
// data directory; then Ctrl-C and a check that every process is gone and every port is free.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatorPorts, portOffset } from '../scripts/config/ports.cjs';
import { isPortFree } from '../scripts/platform/net';
import { loadServiceDefinitions, repoRoot } from '../scripts/platform/service-definitions';
import { seed } from '../scripts/seed';
import { median, round, writeResult } from './support';

const runs = Number(process.env.BENCH_DEV_RUNS ?? 2);
// PHOTONOTES_PORT_OFFSET runs the benchmark beside an `npm run dev` (or another benchmark) on the default ports.
const offset = portOffset();
const gatewayUrl = `http://127.0.0.1:${emulatorPorts(offset).gateway}`;

/** What a process of the tree is, for the breakdown: the service's directory names a serverless-offline process. */
function kindOf(args: string, cwd: string): string {
  if (args.includes('esbuild') && args.includes('--service')) return 'esbuild service';
  if (args.includes('serverless.js')) return `offline ${path.basename(cwd)}`;
  if (args.includes('DynamoDBLocal')) return 'DynamoDB Local';
  if (args.includes('cognito')) return 'cognito-local';
  if (args.includes('scripts/dev.ts')) return 'orchestrator';
  return path.basename(args.split(' ')[0] ?? 'other');
}

/** Kernel clock ticks per second (/proc/<pid>/stat times); 100 on Linux. */
const clockTicks = 100;

/**
 * Resident memory (MB) of a process and all its descendants, from /proc, with each process's share; and the CPU
 * seconds the tree has used (its live processes' own time plus that of children they have reaped, such as
 * esbuild's service processes). CPU time hardly depends on what else the machine runs, unlike wall time.
 */
function treeRss(rootPid: number): { totalMb: number; cpuSeconds: number; processes: Array<{ kind: string; rssMb: number; cpuSeconds: number }> } {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const pages = Number(fields[21]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      rss.set(Number(entry), (pages * 4096) / 1024 / 1024);
      // utime, stime, cutime, cstime
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / clockTicks);
    } catch {
      // the process ended while we looked
    }
  }
  let totalMb = 0;
  let cpuSeconds = 0;
  const pids: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    totalMb += rss.get(pid) ?? 0;
    cpuSeconds += cpu.get(pid) ?? 0;
    pids.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return {
    totalMb,
    cpuSeconds,
    get processes() {
      return pids.flatMap((pid) => {
        try {
          const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
          let cwd = '';
          try {
            cwd = readlinkSync(`/proc/${pid}/cwd`);
          } catch {
            // not ours to read
          }
          return [{ kind: kindOf(args, cwd), rssMb: round(rss.get(pid) ?? 0, 0), cpuSeconds: cpu.get(pid) ?? 0 }];
        } catch {
          return [];
        }
      });
    },
  };
}

/** CPU seconds per kind of process, largest first. */
function cpuBreakdown(processes: Array<{ kind: string; cpuSeconds: number }>): Record<string, number> {
  const byKind = new Map<string, number>();
  for (const p of processes) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + p.cpuSeconds);
  return Object.fromEntries([...byKind.entries()].filter(([, seconds]) => seconds >= 0.05).sort((a, b) => b[1] - a[1]).map(([kind, seconds]) => [kind, round(seconds, 1)]));
}

/** MB per kind of process, largest first. */
function breakdown(processes: Array<{ kind: string; rssMb: number }>): Record<string, number> {
  const byKind = new Map<string, number>();
  for (const p of processes) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + p.rssMb);
  return Object.fromEntries([...byKind.entries()].filter(([, mb]) => mb > 0).sort((a, b) => b[1] - a[1]));
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

interface RunResult {
  readyMs: number;
  /** CPU seconds the whole tree used until ready: the cost of a start, much less noisy than its wall time. */
  cpuSecondsAtReady: number;
  /** The same per kind of process (a service's includes the esbuild builds it ran). */
  cpuAtReady: Record<string, number>;
  rssAtReadyMb: number;
  peakRssMb: number;
  /** Each kind of process's RSS (MB) at the peak sample. */
  atPeak: Record<string, number>;
  /** `npm run seed` against the running backend (sign-ups, notes, photos, thumbnails, events): every service's functions load. */
  seedMs: number;
  rssAfterSeedMb: number;
  peakRssWithSeedMb: number;
  atPeakWithSeed: Record<string, number>;
  stoppedMs: number;
  leftovers: string[];
}

async function oneRun(): Promise<RunResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'photonotes-bench-dev-'));
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], { cwd: repoRoot, env: { ...process.env, DEV_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const pid = child.pid as number;
  let peak = 0;
  let atPeak: Record<string, number> = {};
  const sample = () => {
    const tree = treeRss(pid);
    if (tree.totalMb > peak) {
      peak = tree.totalMb;
      atPeak = breakdown(tree.processes);
    }
    return tree.totalMb;
  };
  const sampler = setInterval(sample, 250);
  // Generous: on a loaded, shared machine the start is CPU-bound and slow; the result says how slow.
  const deadline = started + 300_000;
  while (!(await healthy(gatewayUrl))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      clearInterval(sampler);
      child.kill('SIGINT');
      throw new Error(`npm run dev did not become healthy (its log: ${path.join(dataDir, 'logs', 'dev.log')})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const readyMs = Date.now() - started;
  const atReady = treeRss(pid);
  const cpuSecondsAtReady = atReady.cpuSeconds;
  const cpuAtReady = cpuBreakdown(atReady.processes);
  const rssAtReadyMb = sample();
  // Keep sampling a few seconds: workers and esbuild watchers settle after the first requests.
  await new Promise((r) => setTimeout(r, 3000));
  const startupPeak = peak;
  const startupAtPeak = atPeak;
  // Then a realistic use: the demo data touches most functions of every service (each in its own worker).
  const seedStarted = Date.now();
  await seed({ baseUrl: gatewayUrl });
  const seedMs = Date.now() - seedStarted;
  await new Promise((r) => setTimeout(r, 3000));
  const rssAfterSeedMb = sample();
  clearInterval(sampler);
  const stopAt = Date.now();
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  const stoppedMs = Date.now() - stopAt;
  const ports = [...Object.values(emulatorPorts(offset)), ...loadServiceDefinitions(repoRoot, offset).flatMap((s) => [s.httpPort, s.lambdaPort])];
  const leftovers: string[] = [];
  for (const port of ports) if (!(await isPortFree(port))) leftovers.push(`port ${port}`);
  rmSync(dataDir, { recursive: true, force: true });
  return {
    readyMs,
    cpuSecondsAtReady: round(cpuSecondsAtReady, 1),
    cpuAtReady,
    rssAtReadyMb: round(rssAtReadyMb, 0),
    peakRssMb: round(startupPeak, 0),
    atPeak: startupAtPeak,
    seedMs,
    rssAfterSeedMb: round(rssAfterSeedMb, 0),
    peakRssWithSeedMb: round(peak, 0),
    atPeakWithSeed: atPeak,
    stoppedMs,
    leftovers,
  };
}

async function main(): Promise<void> {
  const results = [];
  for (let i = 0; i < runs; i += 1) {
    const result = await oneRun();
    console.log(`run ${i + 1}: ready in ${(result.readyMs / 1000).toFixed(1)} s (${result.cpuSecondsAtReady} CPU s), RSS ${result.rssAtReadyMb} MB (peak ${result.peakRssMb} MB), stopped in ${result.stoppedMs} ms${result.leftovers.length ? `, LEFT OVER: ${result.leftovers.join(', ')}` : ''}`);
    console.log(`  CPU s at ready: ${Object.entries(result.cpuAtReady).map(([kind, seconds]) => `${kind} ${seconds}`).join(', ')}`);
    console.log(`  at peak: ${Object.entries(result.atPeak).map(([kind, mb]) => `${kind} ${mb}`).join(', ')}`);
    console.log(`  seed in ${(result.seedMs / 1000).toFixed(1)} s, RSS after ${result.rssAfterSeedMb} MB (peak ${result.peakRssWithSeedMb} MB): ${Object.entries(result.atPeakWithSeed).map(([kind, mb]) => `${kind} ${mb}`).join(', ')}`);
    results.push(result);
  }
  const readySeconds = round(median(results.map((r) => r.readyMs)) / 1000, 1);
  const peakRssMb = Math.max(...results.map((r) => r.peakRssMb));
  const peakRssWithSeedMb = Math.max(...results.map((r) => r.peakRssWithSeedMb));
  const summary = {
    description: `npm run dev on an empty data dir until GET /health answers 200 (all services and emulators), then \`npm run seed\` against it; ${runs} runs; RSS = the whole process tree`,
    runs: results,
    readySecondsMedian: readySeconds,
    cpuSecondsAtReadyMedian: round(median(results.map((r) => r.cpuSecondsAtReady)), 1),
    peakRssMb,
    peakRssWithSeedMb,
    seedSecondsMedian: round(median(results.map((r) => r.seedMs)) / 1000, 1),
    goal: { readySeconds: 30, rssMb: 3072 },
    pass: readySeconds <= 30 && peakRssWithSeedMb <= 3072 && results.every((r) => r.leftovers.length === 0),
  };
  console.log(`wrote ${writeResult('dev-startup', summary)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
