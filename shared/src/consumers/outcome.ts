// What every event consumer reports for each record, whatever its source, and the pieces the three source
// factories (dynamodb-stream.ts, sns.ts, s3.ts) share: lazy dependencies and one way to run and log a record.
import type { Context } from 'aws-lambda';
import type { ParseResult } from '../contracts/contract';
import { withCorrelationId } from '../correlation';
import { createLogger, forInvocation } from '../log';
import type { LogFields, Logger } from '../log';
import { flushMetrics } from '../metrics';
import type { Metrics } from '../metrics';
import { emfMetrics } from '../metrics-emf';

/**
 * applied: the record did what it is for. ignored: nothing to do, and why (a repeat, a stale version, a case the
 * consumer does not act on). failed: it must be delivered again, then dead-lettered; the factory reports it.
 */
export type Outcome =
  | { status: 'applied'; details?: LogFields }
  | { status: 'ignored'; reason: string }
  | { status: 'failed'; reason: string; issues?: string[]; error?: unknown };

export const applied = (details?: LogFields): Outcome => (details ? { status: 'applied', details } : { status: 'applied' });
export const ignored = (reason: string): Outcome => ({ status: 'ignored', reason });

export interface ConsumerContext<D> {
  deps: D;
  log: Logger;
  context: Context;
}

export interface ConsumerOptions<C, D> {
  /** Names the service in every log line. */
  service: string;
  contract: C;
  /**
   * Builds what the handler needs. Called at the first record, not at import (serverless-offline-sns imports a
   * handler before it sets the function's environment), then reused for the life of the process; a build that
   * throws fails that record and is tried again with the next one.
   */
  deps: () => D;
  logger?: Logger;
  /** Where ConsumerRecordsFailed is counted; defaults to the service's EMF metrics (metrics-emf.ts). */
  metrics?: Metrics;
}

/** `build` once, on first use; not remembered when it throws. */
export function lazy<D>(build: () => D): () => D {
  let built: { value: D } | undefined;
  return () => (built ??= { value: build() }).value;
}

export interface RecordRun<T, D> {
  /** The record's ids, on every log line about it (event id, sequence number, message id, S3 key...). */
  ids: LogFields;
  parse: () => ParseResult<T>;
  /** Ids the parsed value adds (an event's own id). */
  idsOf?: (value: T) => LogFields;
  /** The correlation id the parsed value carries, if any. */
  correlationOf?: (value: T) => string | undefined;
  handle: (value: T, ctx: ConsumerContext<D>) => Promise<Outcome>;
}

export interface Runner<D> {
  /** At the start of each invocation: its lines carry the Lambda context (cold start, the function's request id). */
  invocation(context: Context): void;
  run<T>(record: RecordRun<T, D>, context: Context): Promise<Outcome>;
}

/** Parses, handles and logs one record: one line per outcome, errors included, never a thrown exception. */
export function consumerRunner<C, D>(options: ConsumerOptions<C, D>): Runner<D> {
  const baseLog = options.logger ?? createLogger({ service: options.service });
  const deps = lazy(options.deps);
  const metrics = lazy(() => options.metrics ?? emfMetrics({ service: options.service }));
  return {
    invocation(context) {
      forInvocation(baseLog, context);
    },
    async run(record, context) {
      let log = baseLog.child(record.ids);
      let outcome: Outcome;
      try {
        const result = record.parse();
        if (result.kind === 'foreign') {
          log.debug('Record is not for this consumer', { reason: result.reason });
          return ignored(result.reason);
        }
        if (result.kind === 'invalid') {
          outcome = { status: 'failed', reason: 'the record does not match its contract', issues: result.issues };
        } else {
          const correlationId = record.correlationOf?.(result.value);
          log = log.child({ ...record.idsOf?.(result.value), ...(correlationId === undefined ? {} : { correlationId }) });
          const handlerLog = log;
          outcome = await withCorrelationId(correlationId, () => record.handle(result.value, { deps: deps(), log: handlerLog, context }));
        }
      } catch (err) {
        // The first line is enough for the reason; the error itself is logged whole.
        outcome = { status: 'failed', reason: (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split('\n')[0]?.slice(0, 200) ?? '', error: err };
      }
      if (outcome.status === 'failed') {
        metrics().count('ConsumerRecordsFailed');
        log.error('Record failed; it will be delivered again, then dead-lettered', { reason: outcome.reason, issues: outcome.issues, err: outcome.error });
      } else if (outcome.status === 'ignored') {
        log.info('Record ignored', { reason: outcome.reason });
      } else {
        log.info('Record applied', outcome.details);
      }
      return outcome;
    },
  };
}

/** Runs one whole invocation of a consumer, then flushes the metrics its records recorded (once, whatever happened). */
export async function consumerInvocation<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    flushMetrics();
  }
}

/** Thrown by the SNS and S3 consumers when a record failed: Lambda's asynchronous retry, then its failure destination, take over. */
export class RecordsFailedError extends Error {
  constructor(readonly failed: LogFields[]) {
    super(`${failed.length} record(s) failed: ${failed.map((ids) => JSON.stringify(ids)).join(', ')}`);
    this.name = 'RecordsFailedError';
  }
}
