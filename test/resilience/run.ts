// npm run test:resilience [-- --short]: the fuzz, load and fault suite (test/resilience/*.test.ts) under jest, then
// one table of what it did and what it found. Exit code: jest's, or 1 when a goal (no 5xx, nothing lost, nothing
// duplicated) was missed even though every test passed. Extra arguments go to jest (e.g. a test path pattern).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { clearFigures, readFigures } from './support/figures';
import type { Figures } from './support/figures';

const repoRoot = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const short = args.includes('--short');
const jestArgs = args.filter((arg) => arg !== '--short' && arg !== '--full');

clearFigures();
const started = Date.now();
const jest = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', 'jest.resilience.config.ts', '--runInBand', ...jestArgs], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, RESILIENCE_PROFILE: short ? 'short' : 'full' },
});
const seconds = Math.round((Date.now() - started) / 1000);

const sections = readFigures();
const total = Object.values(sections).reduce<Omit<Figures, 'fuzzCasesPerOperation' | 'notes'> & { operations: Record<string, number> }>(
  (sum, figures) => {
    for (const [operation, cases] of Object.entries(figures.fuzzCasesPerOperation)) sum.operations[operation] = (sum.operations[operation] ?? 0) + cases;
    return {
      requestsSent: sum.requestsSent + figures.requestsSent,
      serverErrors: sum.serverErrors + figures.serverErrors,
      faultsInjected: sum.faultsInjected + figures.faultsInjected,
      writesChecked: sum.writesChecked + figures.writesChecked,
      lost: sum.lost + figures.lost,
      duplicated: sum.duplicated + figures.duplicated,
      operations: sum.operations,
    };
  },
  { requestsSent: 0, serverErrors: 0, faultsInjected: 0, writesChecked: 0, lost: 0, duplicated: 0, operations: {} },
);
const cases = Object.values(total.operations);
const fuzzCell = cases.length === 0 ? '—' : `${Math.min(...cases)}–${Math.max(...cases)} over ${cases.length} operations (${cases.reduce((a, b) => a + b, 0)} in all)`;

const rows: Array<[string, string, string]> = [
  ['requests sent', String(total.requestsSent), ''],
  ['5xx', String(total.serverErrors), 'goal 0'],
  ['fuzz cases per operation', fuzzCell, ''],
  ['faults injected', String(total.faultsInjected), ''],
  ['writes checked', String(total.writesChecked), ''],
  ['lost', String(total.lost), 'goal 0'],
  ['duplicated', String(total.duplicated), 'goal 0'],
];
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`\nResilience suite (${short ? 'short' : 'full'} profile), ${seconds} s, sections: ${Object.keys(sections).sort().join(', ') || 'none'}`);
for (const [name, value, goal] of rows) console.log(`  ${name.padEnd(width)}  ${value}${goal ? `  (${goal})` : ''}`);
for (const [section, figures] of Object.entries(sections)) for (const note of figures.notes) console.log(`  ${section}: ${note}`);

const goalsMissed = total.serverErrors > 0 || total.lost > 0 || total.duplicated > 0;
if (goalsMissed) console.log('\nA goal was missed (5xx, lost or duplicated above zero).');
process.exit(jest.status !== 0 ? (jest.status ?? 1) : goalsMissed ? 1 : 0);
