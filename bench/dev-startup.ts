// Time from `npm run dev` to `GET /health` 200, and the memory of the whole process tree, on a fresh
// data directory; then Ctrl-C and a check that every process is gone and every port is free.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPortFree } from '../scripts/platform/net';
import { defaultEmulatorPorts } from '../scripts/platform';
import { loadServiceDefinitions, repoRoot } from '../scripts/platform/service-definitions';
import { median, round, writeResult } from './support';

const runs = Number(process.env.BENCH_DEV_RUNS ?? 2);

/** Resident memory (MB) of a process and all its descendants, from /proc. */
function treeRssMb(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const pages = Number(fields[21]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      rss.set(Number(entry), (pages * 4096) / 1024 / 1024);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function oneRun(): Promise<{ readyMs: number; rssAtReadyMb: number; peakRssMb: number; stoppedMs: number; leftovers: string[] }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'photonotes-bench-dev-'));
  const started = Date.now();
  const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), ['scripts/dev.ts'], { cwd: repoRoot, env: { ...process.env, DEV_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const pid = child.pid as number;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(pid))), 250);
  const deadline = started + 120_000;
  while (!(await healthy('http://127.0.0.1:3000'))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('npm run dev did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  const readyMs = Date.now() - started;
  const rssAtReadyMb = treeRssMb(pid);
  // Keep sampling a few seconds: workers and esbuild watchers settle after the first requests.
  await new Promise((r) => setTimeout(r, 3000));
  clearInterval(sampler);
  const stopAt = Date.now();
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  const stoppedMs = Date.now() - stopAt;
  const ports = [3000, ...Object.values(defaultEmulatorPorts), ...loadServiceDefinitions().flatMap((s) => [s.httpPort, s.lambdaPort])];
  const leftovers: string[] = [];
  for (const port of ports) if (!(await isPortFree(port))) leftovers.push(`port ${port}`);
  rmSync(dataDir, { recursive: true, force: true });
  return { readyMs, rssAtReadyMb: round(rssAtReadyMb, 0), peakRssMb: round(Math.max(peak, rssAtReadyMb), 0), stoppedMs, leftovers };
}

async function main(): Promise<void> {
  const results = [];
  for (let i = 0; i < runs; i += 1) {
    const result = await oneRun();
    console.log(`run ${i + 1}: ready in ${(result.readyMs / 1000).toFixed(1)} s, RSS ${result.rssAtReadyMb} MB (peak ${result.peakRssMb} MB), stopped in ${result.stoppedMs} ms${result.leftovers.length ? `, LEFT OVER: ${result.leftovers.join(', ')}` : ''}`);
    results.push(result);
  }
  const readySeconds = round(median(results.map((r) => r.readyMs)) / 1000, 1);
  const peakRssMb = Math.max(...results.map((r) => r.peakRssMb));
  const summary = {
    description: `npm run dev on an empty data dir until GET /health answers 200 (all five services and emulators), ${runs} runs; RSS = the whole process tree`,
    runs: results,
    readySecondsMedian: readySeconds,
    peakRssMb,
    goal: { readySeconds: 30, rssMb: 3072 },
    pass: readySeconds <= 30 && peakRssMb <= 3072 && results.every((r) => r.leftovers.length === 0),
  };
  console.log(`wrote ${writeResult('dev-startup', summary)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
