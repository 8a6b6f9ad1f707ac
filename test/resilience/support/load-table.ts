// The README's table of the last full load run (section "Resilience suite"), per operation: count, per second and
// p50/p95/p99, generated from bench/results/load.json between the `resilience-load` markers. The full profile's
// load.test.ts rewrites both; `npx tsx test/resilience/support/load-table.ts` rewrites the table from the JSON, and a
// unit test (test/resilience/unit/load-table.test.ts) keeps the two equal.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readmeSection, withReadmeSection } from '../../../bench/support';

const repoRoot = path.join(__dirname, '..', '..', '..');
export const readmePath = path.join(repoRoot, 'README.md');
export const loadResultPath = path.join(repoRoot, 'bench', 'results', 'load.json');

/** The README's generated section the table lives in (bench/support.ts: readmeSection, withReadmeSection). */
const section = 'resilience-load';
export const startMarker = `<!-- ${section}:start -->`;
export const endMarker = `<!-- ${section}:end -->`;

/** What the table reads of bench/results/load.json (written by load.test.ts in the full profile). */
export interface LoadResult {
  recordedAt: string;
  users: number;
  things: number;
  seconds: number;
  seed: number;
  requests: number;
  throughputPerSecond: number;
  operations: Record<string, { count: number; perSecond: number; p50Ms: number; p95Ms: number; p99Ms: number }>;
}

const ms = (value: number) => (value >= 100 ? String(Math.round(value)) : value.toFixed(1));

/** The table (with the line that says which run it is), busiest operation first. */
export function loadTable(result: LoadResult): string {
  const operations = Object.entries(result.operations).sort(([a, x], [b, y]) => y.count - x.count || a.localeCompare(b));
  return [
    `Load section of the last full run, ${result.recordedAt.slice(0, 10)} (seed ${result.seed}): ${result.users} users and ${result.things} things for ${result.seconds} s, ${result.requests} requests and readings, ${result.throughputPerSecond} a second.`,
    '',
    '| operation | count | per second | p50 ms | p95 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...operations.map(([name, figures]) => `| \`${name}\` | ${figures.count} | ${figures.perSecond} | ${ms(figures.p50Ms)} | ${ms(figures.p95Ms)} | ${ms(figures.p99Ms)} |`),
  ].join('\n');
}

/** The README with the table between the markers replaced (it must have them, once each, in order). */
export const withLoadTable = (readme: string, table: string): string => withReadmeSection(readme, section, table);

/** The table as the README shows it now. */
export const readmeLoadTable = (readme: string): string => readmeSection(readme, section);

/** Rewrites the README's table from bench/results/load.json. */
export function writeLoadTable(): void {
  const result = JSON.parse(readFileSync(loadResultPath, 'utf8')) as LoadResult;
  writeFileSync(readmePath, withLoadTable(readFileSync(readmePath, 'utf8'), loadTable(result)));
}

if (require.main === module) writeLoadTable();
