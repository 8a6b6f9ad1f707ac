// Structured JSON logger: one object per line on stdout, which CloudWatch Logs and `sls offline` both keep intact.
// Powertools for AWS Lambda's Logger does the work behind the small interface below: the Lambda context (cold start,
// function name, the function's request id), the X-Ray trace id (_X_AMZN_TRACE_ID), sampling of debug logs
// (POWERTOOLS_LOGGER_SAMPLE_RATE or `sampleRate`), errors and circular values. Our formatter keeps the field names
// the rest of the project reads (`level` in lower case, `time`, `message`, camelCase fields), and `child()` is a thin
// wrapper that adds its fields to each line, so a per-request logger costs an object, not a new Powertools Logger.
import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogItem as LogItemType } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';

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
  /**
   * The share of invocations (0..1) that log at debug whatever the level; defaults to POWERTOOLS_LOGGER_SAMPLE_RATE
   * (a stage param), else 0. Decided again at each invocation (`forInvocation`).
   */
  sampleRate?: number;
}

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const powertoolsLevel = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', silent: 'SILENT' } as const;
// Powertools' thresholds (LogLevelThreshold): DEBUG 8, INFO 12, WARN 16, ERROR 20.
const powertoolsThreshold: Record<Exclude<LogLevel, 'silent'>, number> = { debug: 8, info: 12, warn: 16, error: 20 };

function isLogLevel(value: string | undefined): value is LogLevel {
  return value !== undefined && Object.hasOwn(severity, value);
}

function levelFromEnv(): LogLevel {
  const value = process.env.LOG_LEVEL?.toLowerCase();
  return isLogLevel(value) ? value : 'info';
}

function sampleRateFromEnv(): number {
  const value = Number(process.env.POWERTOOLS_LOGGER_SAMPLE_RATE ?? 0);
  return value > 0 && value <= 1 ? value : 0;
}

/** Our line: level, time, service, message, the Lambda context when known, then the caller's fields. */
class LineFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItemType {
    const lambda = attributes.lambdaContext;
    const base: LogAttributes = {
      level: attributes.logLevel.toLowerCase(),
      time: attributes.timestamp.toISOString(),
      service: attributes.serviceName,
      message: attributes.message,
    };
    if (lambda) {
      base.coldStart = lambda.coldStart;
      if (lambda.functionName) base.functionName = lambda.functionName;
      if (lambda.awsRequestId) base.functionRequestId = lambda.awsRequestId;
    }
    if (attributes.xRayTraceId) base.xrayTraceId = attributes.xRayTraceId;
    if (attributes.sampleRateValue) base.samplingRate = attributes.sampleRateValue;
    // A shallow merge: Powertools' addAttributes deep-merges (copying every nested field), which costs each line more
    // than everything else here; the fields are serialised right away and never changed.
    return new LogItem({ attributes: Object.assign(base, additional) });
  }

  // Errors have no enumerable own properties: without this they would log as {}. Code and cause are kept.
  override formatError(error: Error): LogAttributes {
    const out: LogAttributes = { name: error.name, message: error.message, stack: error.stack };
    const code = (error as { code?: unknown }).code;
    if (code !== undefined) out.code = code as LogAttributes[string];
    if (error.cause !== undefined) out.cause = (error.cause instanceof Error ? this.formatError(error.cause) : error.cause) as LogAttributes[string];
    return out;
  }
}

// Powertools may print while its constructor runs (before our fields exist): those lines go to the writer this holds.
let constructing: { write: (line: string) => void; indent: number } | undefined;

/** Powertools' Logger writing each entry through `write` as one line (indented only on a terminal in dev mode). */
class LineLogger extends PowertoolsLogger {
  private readonly output: { write: (line: string) => void; indent: number };

  constructor(options: ConstructorParameters<typeof PowertoolsLogger>[0], output: { write: (line: string) => void; indent: number }) {
    constructing = output;
    try {
      super(options);
    } finally {
      constructing = undefined;
    }
    this.output = output;
  }

  // Lambda names how the environment started (AWS_LAMBDA_INITIALIZATION_TYPE); the local platform and tests do not,
  // and an environment they start is an on-demand one, so its first invocation is a cold start there too.
  protected override getInitializationType(): 'unknown' | 'on-demand' | 'provisioned-concurrency' {
    return process.env.AWS_LAMBDA_INITIALIZATION_TYPE === undefined ? 'on-demand' : super.getInitializationType();
  }

  protected override printLog(_level: number, log: LogItemType): void {
    const output = constructing ?? this.output;
    const attributes = log.getAttributes();
    let line: string;
    try {
      // Powertools' replacer (errors, bigints, circular values) slows JSON.stringify down; a line of plain values,
      // such as the access line, does not need it.
      line = JSON.stringify(attributes, onlyPlainValues(attributes) ? undefined : this.getJsonReplacer(), output.indent);
    } catch {
      // A field that cannot be serialised (a throwing toJSON) must not turn a log call into a failed request.
      const { level, time, service, message } = attributes;
      line = JSON.stringify({ level, time, service, message, logError: 'fields not serialisable' });
    }
    output.write(line + '\n');
  }
}

function onlyPlainValues(attributes: Record<string, unknown>): boolean {
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== null && typeof value === 'object') return false;
    if (typeof value === 'bigint') return false;
  }
  return true;
}

function writeStdout(line: string): void {
  process.stdout.write(line);
}

/** POWERTOOLS_DEV (stage `local`) indents entries, but only on a terminal: captured logs stay one JSON object per line. */
function prettyIndent(write: LoggerOptions['write']): number {
  const dev = process.env.POWERTOOLS_DEV;
  return write === undefined && process.stdout.isTTY === true && (dev === 'true' || dev === '1') ? 2 : 0;
}

const noFields: LogFields = {};

/** What a logger and its children share: the Powertools Logger, and its level as last read from it. */
interface Root {
  logger: LineLogger;
  sampleRate: number;
  /**
   * Powertools' level, read at creation and after each sampling decision (the only things that change it): reading
   * it per line costs an environment lookup, so a line below the level (a silent logger's access line) costs nothing.
   */
  threshold: number;
}

class SharedLogger implements Logger {
  constructor(
    readonly root: Root,
    private readonly fields: LogFields,
  ) {}

  private emit(level: Exclude<LogLevel, 'silent'>, message: string, fields: LogFields | undefined): void {
    if (powertoolsThreshold[level] < this.root.threshold) return;
    const logger = this.root.logger;
    // Powertools merges its extra inputs in order, the call's fields last.
    if (fields === undefined) logger[level](message, this.fields);
    else logger[level](message, this.fields, fields);
  }

  debug(message: string, fields?: LogFields): void {
    this.emit('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.emit('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.emit('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.emit('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new SharedLogger(this.root, this.fields === noFields ? fields : { ...this.fields, ...fields });
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? levelFromEnv();
  const sampleRate = options.sampleRate ?? sampleRateFromEnv();
  const logger = new LineLogger(
    { serviceName: options.service, logLevel: powertoolsLevel[level], sampleRateValue: sampleRate, logFormatter: new LineFormatter() },
    { write: options.write ?? writeStdout, indent: prettyIndent(options.write) },
  );
  return new SharedLogger({ logger, sampleRate, threshold: logger.level }, noFields);
}

/**
 * Called at the start of each invocation with the function's context: every line of `log` (and of its children,
 * before and after) then carries coldStart (true in the first invocation of the environment only), functionName and
 * functionRequestId (Lambda's awsRequestId), and the debug sampling is decided again. Lambda runs one invocation per
 * environment at a time, so the process's logger holds the current one's context. A logger not made by
 * `createLogger` (a test's fake) is left as it is.
 */
export function forInvocation(log: Logger, context: Context | undefined): void {
  if (!(log instanceof SharedLogger) || context === undefined) return;
  const root = log.root;
  root.logger.addContext(context);
  if (root.sampleRate > 0) {
    root.logger.refreshSampleRateCalculation();
    root.threshold = root.logger.level;
  }
}
