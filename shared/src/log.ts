// Structured JSON logger: one object per line on stdout, which CloudWatch Logs and `sls offline` both keep intact.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. requestId) to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  service: string;
  /** Defaults to LOG_LEVEL, else 'info'. */
  level?: LogLevel;
  /** Where lines go; tests pass a collector instead of spying on stdout. */
  write?: (line: string) => void;
}

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function isLogLevel(value: string | undefined): value is LogLevel {
  return value !== undefined && Object.hasOwn(severity, value);
}

function levelFromEnv(): LogLevel {
  const value = process.env.LOG_LEVEL?.toLowerCase();
  return isLogLevel(value) ? value : 'info';
}

// Errors have no enumerable own properties: without this they would log as {}.
function serialiseErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: value.message, stack: value.stack };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined) out.cause = value.cause;
    return out;
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

function writeStdout(line: string): void {
  process.stdout.write(line);
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = severity[options.level ?? levelFromEnv()];
  const write = options.write ?? writeStdout;
  return build({ service: options.service }, threshold, write);
}

function build(context: LogFields, threshold: number, write: (line: string) => void): Logger {
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields): void => {
    if (severity[level] < threshold) return;
    const entry = { level, time: new Date().toISOString(), ...context, message, ...fields };
    let line: string;
    try {
      line = JSON.stringify(entry, serialiseErrors);
    } catch {
      // A circular field must not turn a log call into a failed request.
      line = JSON.stringify({ level, time: entry.time, ...context, message, logError: 'fields not serialisable' });
    }
    write(line + '\n');
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => build({ ...context, ...fields }, threshold, write),
  };
}
