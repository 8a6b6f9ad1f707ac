// `npm run bench`: runs every benchmark in turn (each writes bench/results/<name>.json), then
// rewrites the README's benchmark summary from those files. `npm run bench -- middy-chain` runs one;
// `npm run bench -- --summary` only refreshes the README table. `load.json` comes from the resilience suite's full
// profile (`npm run test:resilience`), not from a benchmark here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../scripts/platform/service-definitions';
import { resultsDir, withReadmeSection } from './support';

const benchmarks = ['dev-startup', 'bundles', 'middy-chain', 'thumbnails-pipeline', 'notifications-fanout', 'search-query', 'chart-query', 'thing-alert', 'presence-replay', 'ingest', 'ingest-cost', 'mqtt-connect', 'hll', 'notes-burst', 'analytics', 'realtime'];

// Each in a plain Node process with tsx's loader, not under tsx's CLI: its signal relay SIGKILLs a child that is slow
// to acknowledge a Ctrl-C, and a benchmark that starts the platform must get to stop it.
function run(name: string): void {
  console.log(`\n== ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, `${name}.ts`)], { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  if (result.status !== 0) throw new Error(`benchmark ${name} failed`);
}

type Json = Record<string, unknown>;
const read = (name: string): Json | null => (existsSync(path.join(resultsDir, `${name}.json`)) ? (JSON.parse(readFileSync(path.join(resultsDir, `${name}.json`), 'utf8')) as Json) : null);

function summary(): string {
  const lines = ['| benchmark | result | goal |', '| --- | --- | --- |'];
  const dev = read('dev-startup') as { readySecondsMedian: number; cpuSecondsAtReadyMedian?: number; peakRssMb: number; peakRssWithSeedMb?: number } | null;
  if (dev) lines.push(`| \`npm run dev\` to \`/health\` 200 | ${dev.readySecondsMedian} s${dev.cpuSecondsAtReadyMedian ? ` (${dev.cpuSecondsAtReadyMedian} CPU s)` : ''}, peak RSS ${dev.peakRssMb} MB (whole tree)${dev.peakRssWithSeedMb ? `, ${dev.peakRssWithSeedMb} MB through \`npm run seed\`` : ''} | ≤ 30 s, ≤ 3 GB |`);
  const chain = read('middy-chain') as { ratio: number; rawMsPerCall: { p50: number }; chainMsPerCall: { p50: number }; chainOverheadUsPerCall?: number } | null;
  if (chain) {
    const cpu = chain.chainOverheadUsPerCall === undefined ? '' : `; the chain's own CPU ${chain.chainOverheadUsPerCall} µs per request`;
    lines.push(`| middy chain vs raw handler, one GetItem, bundled as deployed | ${chain.ratio}× (median of paired rounds; p50 ${chain.chainMsPerCall.p50} vs ${chain.rawMsPerCall.p50} ms)${cpu} | ≤ 1.05× |`);
  }
  const bundles = read('bundles') as { functions: Array<{ function: string; http: boolean; zipKB: number; loadRatio: number | null }> } | null;
  if (bundles) {
    const http = bundles.functions.filter((f) => f.http);
    const largest = http.reduce((a, b) => (b.zipKB > a.zipKB ? b : a));
    const slowest = bundles.functions.filter((f) => f.loadRatio !== null).reduce((a, b) => ((b.loadRatio ?? 0) > (a.loadRatio ?? 0) ? b : a));
    lines.push(`| largest HTTP function zip | ${largest.zipKB} KB (${largest.function}) | ≤ 150 KB |`);
    lines.push(`| slowest cold module load vs empty handler | ${slowest.loadRatio}× (${slowest.function}) | — |`);
  }
  for (const extra of ['users-latency', 'notes-load', 'search-query', 'thumbnails-pipeline', 'notifications-fanout', 'chart-query', 'thing-alert', 'presence-replay', 'ingest', 'ingest-cost', 'mqtt-connect', 'hll', 'notes-burst', 'analytics', 'realtime', 'load']) {
    const result = read(extra) as { summary?: string; goal?: string } | null;
    if (result?.summary) lines.push(`| ${extra} | ${result.summary} | ${result.goal ?? '—'} |`);
  }
  return lines.join('\n');
}

function updateReadme(): void {
  const readme = path.join(repoRoot, 'README.md');
  writeFileSync(readme, withReadmeSection(readFileSync(readme, 'utf8'), 'bench', summary()));
  console.log('\nREADME.md benchmark summary updated');
}

// `--summary` only rewrites the README from the results already on disk.
const args = process.argv.slice(2);
const only = args.filter((arg) => !arg.startsWith('--'));
if (!args.includes('--summary')) for (const name of only.length > 0 ? only : benchmarks) run(name);
updateReadme();
