// What `npm run dev` shows in the terminal. Every line of every child always goes to .local/logs/; the terminal
// gets the platform's own lines, the services' logs and errors, and (with --verbose) everything else except the
// third-party notices below, which say nothing about this project.

/** Notices printed by dependencies on every start (SDK end-of-support, Node version), never useful here. */
const thirdPartyNotices: RegExp[] = [
  /NodeVersionSupportWarning/,
  /^versions published after the first week of/,
  /^will require node >=\d+/,
  /^To continue receiving updates to AWS services/,
  /^and security updates please upgrade to node/,
  /^More information can be found at: https:\/\/a\.co\//,
  /Use `node --trace-warnings \.\.\.` to show where the warning was created/,
  /The AWS SDK for JavaScript \(v2\) has reached end-of-support/,
  /^It will no longer receive updates or releases\.$/,
  /^Please migrate your code to use AWS SDK for JavaScript \(v3\)\.$/,
  /^For more information, check the blog post at https:\/\/a\.co\//,
];

/** serverless-offline and its plugins describing themselves: route tables, function lists, start-up steps. */
const startupChatter: RegExp[] = [
  /^[│┌└├─\s]*$/,
  /^[│┌└├]/,
  /^\* \w+: photonotes-/,
  /^Function names exposed for local invocation/,
  /^Offline \[http for lambda\] listening/,
  /^Starting Offline/,
  /^Server ready: /,
  /^DynamoDB - created table /,
  /^INFO\[serverless-offline-sns\]/,
  /^Found S3 event listener/,
  /^S3 local started/,
  /^starting handler$/,
  /^Running "serverless" from node_modules/,
  /^Using configuration:/,
  /^Offline Dynamodb Streams/,
  /^DynamoDB - Warn - table \S+ already exists/,
  /^Got SIGTERM signal/,
  /^Halting offline server/,
  /^Skipping end: DynamoDB Local/,
];

/** The platform's own lines that `npm run dev` already prints as progress. */
const platformProgress: RegExp[] = [/^emulators ready in \d+ ms$/, /^\S+ reloaded \(/];

/** One line per invocation from serverless-offline: the request line and the billing line. */
const invocationChatter: RegExp[] = [/^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S* \(λ: \w+\)$/, /^\(λ: \w+\) RequestId: /];

/** Emulators talk a lot and rarely about this project; only their errors reach the terminal. */
const emulatorSources = new Set(['dynamodb', 'cognito', 'sns']);

export type TerminalMode = 'quiet' | 'verbose';

export function isThirdPartyNotice(text: string): boolean {
  const trimmed = text.trim();
  return thirdPartyNotices.some((pattern) => pattern.test(trimmed));
}

/** True when a child's line belongs in the terminal in the given mode. */
export function showInTerminal(mode: TerminalMode, source: string, text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '' || isThirdPartyNotice(trimmed)) return false;
  if (mode === 'verbose') return true;
  if (emulatorSources.has(source)) return /\bERROR\b|\bFATAL\b|Exception in thread|OutOfMemoryError/.test(trimmed);
  if (source === 'platform') return !platformProgress.some((pattern) => pattern.test(trimmed));
  return !startupChatter.some((pattern) => pattern.test(trimmed)) && !invocationChatter.some((pattern) => pattern.test(trimmed)) && !isRoutineEntry(trimmed);
}

const maxTerminalLine = 400;

/** Per-record outcomes of event consumers: one per record delivered, too many for a terminal (kept in the log file). */
const quietEntries = new Set(['Record applied', 'Record ignored']);

/**
 * True for a JSON line the quiet terminal leaves out: a consumer's routine per-record outcome, or a metrics line
 * (CloudWatch Embedded Metric Format, an object with `_aws`: shared/src/metrics-emf.ts, one per invocation).
 */
export function isRoutineEntry(text: string): boolean {
  if (!text.startsWith('{')) return false;
  try {
    const entry = JSON.parse(text) as { level?: unknown; message?: unknown; _aws?: unknown };
    if (entry._aws !== undefined) return true;
    return (entry.level === 'info' || entry.level === 'debug') && typeof entry.message === 'string' && quietEntries.has(entry.message);
  } catch {
    return false;
  }
}

/** Our services log one JSON object per line; in the terminal that reads better as `LEVEL message {fields}`. */
export function formatForTerminal(text: string): string {
  if (!text.startsWith('{')) return text;
  try {
    const entry = JSON.parse(text) as Record<string, unknown>;
    // The Lambda context on every line (shared/src/log.ts) stays in the file too: `npm run logs` reads it there.
    const { level, message, time: _time, service: _service, coldStart: _coldStart, functionName: _functionName, functionRequestId: _functionRequestId, ...fields } = entry;
    if (typeof level !== 'string' || typeof message !== 'string') return text;
    // Stacks stay in the log file; the terminal keeps a line per entry.
    const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields, (key, value: unknown) => (key === 'stack' ? undefined : value))}` : '';
    const line = `${level.toUpperCase().padEnd(5)} ${message}${rest}`;
    return line.length > maxTerminalLine ? `${line.slice(0, maxTerminalLine - 1)}…` : line;
  } catch {
    return text;
  }
}
