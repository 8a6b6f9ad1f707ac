// What each part of the resilience suite reports, gathered by test/resilience/run.ts into one table. Each test file
// records its own section (a JSON file under .local/resilience/); the runner adds them up.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Figures {
  /** HTTP requests (and MQTT publishes) the section sent. */
  requestsSent: number;
  /** Answers with a 5xx status outside an injected outage (goal 0). */
  serverErrors: number;
  /** Fuzz cases run, per operation (`METHOD /path`). */
  fuzzCasesPerOperation: Record<string, number>;
  /** Faults injected (a component stopped and started again counts once). */
  faultsInjected: number;
  /** Acknowledged writes checked afterwards against every read model they must reach. */
  writesChecked: number;
  /** Acknowledged writes missing from a read model (goal 0). */
  lost: number;
  /** Writes, notifications, pushes or readings found more than once (goal 0). */
  duplicated: number;
  /** Anything else worth printing under the table (per-operation latency, fault timings...). */
  notes: string[];
}

export const figuresDir = path.join(__dirname, '..', '..', '..', '.local', 'resilience');

export function emptyFigures(): Figures {
  return { requestsSent: 0, serverErrors: 0, fuzzCasesPerOperation: {}, faultsInjected: 0, writesChecked: 0, lost: 0, duplicated: 0, notes: [] };
}

/** Records (replaces) one section's figures, e.g. `recordFigures('fuzz-http', {...})`. */
export function recordFigures(section: string, figures: Partial<Figures>): void {
  mkdirSync(figuresDir, { recursive: true });
  writeFileSync(path.join(figuresDir, `${section}.json`), `${JSON.stringify({ ...emptyFigures(), ...figures }, null, 2)}\n`);
}

export function clearFigures(): void {
  rmSync(figuresDir, { recursive: true, force: true });
}

/** Every recorded section, by name. */
export function readFigures(): Record<string, Figures> {
  let files: string[] = [];
  try {
    files = readdirSync(figuresDir).filter((file) => file.endsWith('.json'));
  } catch {
    return {};
  }
  return Object.fromEntries(files.map((file) => [file.replace(/\.json$/, ''), { ...emptyFigures(), ...(JSON.parse(readFileSync(path.join(figuresDir, file), 'utf8')) as Partial<Figures>) }]));
}
