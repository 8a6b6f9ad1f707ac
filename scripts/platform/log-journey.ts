// Reads the local platform's log files (.local/logs/, written by scripts/platform/processes.ts: one line per child
// output line, `<capture time> <source, padded>| <text>`, our services' text being one JSON object) and picks the
// lines of one request's journey across services: `npm run logs -- --request-id <id>` (scripts/logs.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  /** The entry's own time when it has one, else when the platform captured the line (ISO-8601). */
  time: string;
  /** The platform's name for the process that wrote it (core-api, search, dynamodb...). */
  source: string;
  /** The JSON entry of a service's structured line; undefined for any other output. */
  entry: Record<string, unknown> | undefined;
  text: string;
}

export interface JourneyFilter {
  /** Lines whose requestId, correlationId or functionRequestId is this id. */
  requestId?: string;
  /** Services (the entry's service, or the process name); any of them. */
  services?: string[];
  /** The lowest level shown; lines that are not structured entries have none and are left out. */
  minLevel?: Level;
  /** Only lines at or after this time. */
  since?: Date;
}

const levels: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const captured = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (\S+) *\| (.*)$/;

export function isLevel(value: string): value is Level {
  return Object.hasOwn(levels, value);
}

/** One line of a platform log file; null for a line not in that format (a blank or broken line). */
export function parseLogLine(line: string): LogLine | null {
  const match = captured.exec(line);
  if (!match) return null;
  const [, capturedAt = '', source = '', text = ''] = match;
  const entry = parseEntry(text);
  const time = typeof entry?.time === 'string' && !Number.isNaN(Date.parse(entry.time)) ? entry.time : capturedAt;
  return { time, source, entry, text };
}

function parseEntry(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  if (start < 0 || !text.trimEnd().endsWith('}')) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(start));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The ids a line answers to: the HTTP request's, the correlation id its work carries, the function invocation's. */
export function idsOf(line: LogLine): string[] {
  const entry = line.entry;
  if (!entry) return [];
  return [entry.requestId, entry.correlationId, entry.functionRequestId].filter((id): id is string => typeof id === 'string');
}

export function matches(line: LogLine, filter: JourneyFilter): boolean {
  if (filter.requestId !== undefined && !idsOf(line).includes(filter.requestId)) return false;
  if (filter.services && filter.services.length > 0) {
    const service = typeof line.entry?.service === 'string' ? line.entry.service : line.source;
    if (!filter.services.includes(service) && !filter.services.includes(line.source)) return false;
  }
  if (filter.minLevel !== undefined) {
    const level = line.entry?.level;
    if (typeof level !== 'string' || !isLevel(level) || levels[level] < levels[filter.minLevel]) return false;
  }
  if (filter.since !== undefined && Date.parse(line.time) < filter.since.getTime()) return false;
  return true;
}

/** The matching lines of `text` (a log file's content), in time order (a stable sort: file order within a tie). */
export function journey(texts: string[], filter: JourneyFilter): LogLine[] {
  const lines: LogLine[] = [];
  for (const text of texts) {
    for (const raw of text.split('\n')) {
      const line = parseLogLine(raw);
      if (line && matches(line, filter)) lines.push(line);
    }
  }
  return lines.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

/** `10m`, `90s`, `2h`, `1d` before `now`, or an ISO-8601 time; null when it is neither. */
export function parseSince(value: string, now = new Date()): Date | null {
  const relative = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (relative) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const time = Date.parse(value);
  return /^\d{4}-\d\d-\d\d/.test(value) && !Number.isNaN(time) ? new Date(time) : null;
}

/** Fields worth seeing on one line, in this order, when an entry has them. */
const keyFields = ['route', 'method', 'status', 'durationMs', 'userId', 'noteId', 'eventType', 'eventId', 'reason', 'requestId', 'correlationId', 'functionRequestId', 'coldStart'];

/** `12:00:01.234 core-api      INFO  request route=PATCH /notes/{id} status=200 ...`; other output as it came. */
export function formatLine(line: LogLine): string {
  const clock = line.time.slice(11, 23);
  const entry = line.entry;
  if (!entry || typeof entry.message !== 'string') return `${clock} ${line.source.padEnd(14)}       ${line.text}`;
  const service = typeof entry.service === 'string' ? entry.service : line.source;
  const level = typeof entry.level === 'string' ? entry.level.toUpperCase() : '';
  const fields = keyFields.filter((key) => entry[key] !== undefined).map((key) => `${key}=${String(entry[key])}`);
  const err = entry.err as { name?: unknown; message?: unknown } | undefined;
  if (err && typeof err === 'object') fields.push(`err=${String(err.name)}: ${String(err.message)}`);
  return `${clock} ${service.padEnd(14)} ${level.padEnd(5)} ${entry.message}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}`;
}

/** The platform's log files in `dir` (dev.log, test-platform-<pid>.log), newest first. */
export function platformLogFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name === 'dev.log' || /^test-platform-\d+\.log$/.test(name))
    .map((name) => path.join(dir, name))
    .map((file) => ({ file, mtime: statSync(file).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)
    .map(({ file }) => file);
}

/** The journey in `files`, read now. */
export function readJourney(files: string[], filter: JourneyFilter): LogLine[] {
  return journey(files.map((file) => readFileSync(file, 'utf8')), filter);
}
