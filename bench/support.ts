// Shared bits of the benchmarks: result files, statistics, and interleaved A/B timing so that
// a noisy, shared machine slows both sides alike.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const resultsDir = path.join(__dirname, 'results');

export function writeResult(name: string, result: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, recordedAt: new Date().toISOString(), node: process.version, cpus: os.cpus().length, ...(result as object) }, null, 2)}\n`);
  return file;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

export const median = (values: number[]) => percentile(values, 50);

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Runs `a` and `b` in alternating blocks and returns per-call times (ms) of each. Alternation means
 * a burst of load from elsewhere lands on both sides, so their ratio stays meaningful.
 */
export async function interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, options: { rounds: number; perRound: number; warmup: number }) {
  for (let i = 0; i < options.warmup; i += 1) {
    await a();
    await b();
  }
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? [a, b] : [b, a];
    for (const fn of order) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < options.perRound; i += 1) await fn();
      const perCall = Number(process.hrtime.bigint() - started) / 1e6 / options.perRound;
      (fn === a ? timesA : timesB).push(perCall);
    }
  }
  return { a: timesA, b: timesB };
}

const platformLockFile = '/tmp/photonotes-platform.lock';

/**
 * Runs a benchmark that starts the local platform. The platform binds ports shared by every engineer on the
 * machine, so the script re-runs itself under `flock` on one lock file unless it already holds it.
 */
export function runUnderPlatformLock(script: string, main: () => Promise<void>): void {
  if (process.env.PHOTONOTES_PLATFORM_LOCKED !== '1') {
    const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
    const result = spawnSync('flock', [platformLockFile, tsx, script], { stdio: 'inherit', env: { ...process.env, PHOTONOTES_PLATFORM_LOCKED: '1' } });
    process.exit(result.status ?? 1);
  }
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

const sectionMarkers = (name: string) => ({ start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` });

/** Where a README's generated section `name` is: between `<!-- name:start -->` and `<!-- name:end -->`, each once, in order. */
function sectionBounds(readme: string, name: string): { from: number; to: number } {
  const { start, end } = sectionMarkers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from || readme.indexOf(start, from + 1) !== -1 || readme.indexOf(end, to + 1) !== -1) throw new Error(`README.md needs ${start} and ${end}, once each, in that order`);
  return { from: from + start.length, to };
}

/** The generated section `name` of the README as it stands (trimmed). */
export function readmeSection(readme: string, name: string): string {
  const { from, to } = sectionBounds(readme, name);
  return readme.slice(from, to).trim();
}

/** The README with its generated section `name` replaced by `content` (the markers and everything else kept). */
export function withReadmeSection(readme: string, name: string, content: string): string {
  const { from, to } = sectionBounds(readme, name);
  return `${readme.slice(0, from)}\n${content}\n${readme.slice(to)}`;
}
