// What Lambda's event source mapping does with one batch of stream records, for the local poller:
// invoke, honour ReportBatchItemFailures (resume from the lowest failed record), bisect a failing batch,
// count retries, drop records past their maximum age, and send what still fails to the dead-letter store.
// Then the shard moves on, exactly as on AWS.
import type { StreamConsumer } from './consumers';
import type { DeadLetterStore, FailureCondition, FailureDetail } from './dead-letters';
import type { Invoke } from './lambda-invoke';

/** A record as Lambda hands it to the function (JSON: binary as base64, times in epoch seconds). */
export interface LambdaStreamRecord {
  eventID?: string;
  eventName?: string;
  eventSourceARN?: string;
  dynamodb: { SequenceNumber: string; ApproximateCreationDateTime?: number; [key: string]: unknown };
  [key: string]: unknown;
}

export type StreamBatchConfig = Pick<StreamConsumer, 'id' | 'maximumRetryAttempts' | 'maximumRecordAgeInSeconds' | 'bisectBatchOnFunctionError' | 'reportBatchItemFailures'>;

export interface StreamBatchDeps {
  invoke: Invoke;
  deadLetters: Pick<DeadLetterStore, 'put'>;
  functionName: string;
  /** Delay before retry n (1-based); the last one repeats. */
  retryDelaysMs: number[];
  unreachableDelayMs: number;
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
  log(text: string): void;
}

/**
 * The index of the first record to retry, from the function's response: -1 when the batch succeeded.
 * As on AWS: the lowest failed sequence number wins, and an empty, missing or unknown identifier fails the
 * whole batch.
 */
export function firstFailedIndex(response: unknown, records: LambdaStreamRecord[]): number {
  const failures = (response as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return -1;
  let lowest = records.length;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? records.findIndex((r) => r.dynamodb.SequenceNumber === id) : -1;
    if (index === -1) return 0;
    lowest = Math.min(lowest, index);
  }
  return lowest;
}

interface PendingBatch {
  records: LambdaStreamRecord[];
  /** Failed invocations that used a retry. */
  failures: number;
}

export type StreamBatchResult = 'done' | 'abandoned';

export async function deliverStreamBatch(records: LambdaStreamRecord[], config: StreamBatchConfig, deps: StreamBatchDeps): Promise<StreamBatchResult> {
  const pending: PendingBatch[] = records.length > 0 ? [{ records, failures: 0 }] : [];
  const deadLetter = async (batch: PendingBatch, condition: FailureCondition, error: FailureDetail) => {
    const first = batch.records[0]?.dynamodb.SequenceNumber ?? '';
    const last = batch.records[batch.records.length - 1]?.dynamodb.SequenceNumber ?? '';
    const summary = `${batch.records.length} record(s), sequence numbers ${first}..${last}`;
    await deps.deadLetters.put({
      source: 'stream',
      consumer: config.id,
      functionName: deps.functionName,
      condition,
      event: { Records: batch.records },
      identity: `${first}..${last}`,
      summary,
      error,
      attempts: batch.failures,
      failedAt: new Date(deps.now()).toISOString(),
    });
    deps.log(`${config.id}: ${summary} dead-lettered after ${batch.failures} failed attempt(s) (${condition}): ${error.message}`);
  };
  const exhausted = (batch: PendingBatch) => config.maximumRetryAttempts >= 0 && batch.failures > config.maximumRetryAttempts;
  const pause = (batch: PendingBatch) => deps.sleep(deps.retryDelaysMs[Math.min(batch.failures - 1, deps.retryDelaysMs.length - 1)] ?? 0, deps.signal);

  while (pending.length > 0) {
    if (deps.signal.aborted) return 'abandoned';
    const batch = pending[0] as PendingBatch;

    if (config.maximumRecordAgeInSeconds >= 0) {
      const oldest = deps.now() / 1000 - config.maximumRecordAgeInSeconds;
      const tooOld = batch.records.filter((r) => (r.dynamodb.ApproximateCreationDateTime ?? Infinity) < oldest);
      if (tooOld.length > 0) {
        await deadLetter({ records: tooOld, failures: batch.failures }, 'RecordAgeExceeded', { type: 'RecordAgeExceeded', message: `older than ${config.maximumRecordAgeInSeconds} s` });
        batch.records = batch.records.filter((r) => !tooOld.includes(r));
        if (batch.records.length === 0) pending.shift();
        continue;
      }
    }

    const outcome = await deps.invoke(deps.functionName, { Records: batch.records });
    if (!outcome.ok && !outcome.reachedFunction) {
      // The batch never reached the function (service restarting): not an attempt, as on AWS.
      await deps.sleep(deps.unreachableDelayMs, deps.signal);
      continue;
    }

    if (outcome.ok) {
      const failed = config.reportBatchItemFailures ? firstFailedIndex(outcome.payload, batch.records) : -1;
      if (failed === -1) {
        pending.shift();
        continue;
      }
      // Records before the failed one are done; the rest is retried (with bisect on, AWS splits at that record too).
      const failedRecord = batch.records[failed]?.dynamodb.SequenceNumber ?? '';
      batch.records = batch.records.slice(failed);
      batch.failures++;
      const error = { type: 'BatchItemFailure', message: `the function reported record ${failedRecord} as failed` };
      if (exhausted(batch)) {
        await deadLetter(batch, 'RetriesExhausted', error);
        pending.shift();
        continue;
      }
      deps.log(`${config.id}: record ${failedRecord} failed; retry ${batch.failures} of ${config.maximumRetryAttempts} from it`);
      await pause(batch);
      continue;
    }

    if (config.bisectBatchOnFunctionError && batch.records.length > 1) {
      // Splitting uses no retry: it isolates the record that fails, and only a lone record's failures count.
      const middle = Math.ceil(batch.records.length / 2);
      pending.splice(0, 1, { records: batch.records.slice(0, middle), failures: batch.failures }, { records: batch.records.slice(middle), failures: batch.failures });
      deps.log(`${config.id}: a batch of ${batch.records.length} failed (${outcome.error.message}); bisecting`);
      continue;
    }
    batch.failures++;
    if (exhausted(batch)) {
      await deadLetter(batch, 'RetriesExhausted', outcome.error);
      pending.shift();
      continue;
    }
    deps.log(`${config.id}: a batch of ${batch.records.length} failed (${outcome.error.message}); retry ${batch.failures} of ${config.maximumRetryAttempts}`);
    await pause(batch);
  }
  return 'done';
}
