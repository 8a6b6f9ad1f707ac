// Lambda's asynchronous invocation, as SNS and S3 use it: the event is queued, tried, retried after a delay
// on a function error (maximumRetryAttempts, 0-2), dropped when older than maximumEventAge, and then sent to
// the function's on-failure destination: locally the dead-letter store.
import type { AsyncRetryPolicy } from './consumers';
import type { DeadLetterStore, DeliverySource, FailureCondition, FailureDetail } from './dead-letters';
import type { Invoke } from './lambda-invoke';

export interface AsyncInvokeDeps {
  invoke: Invoke;
  deadLetters: Pick<DeadLetterStore, 'put'>;
  /** Delay before retry n (1-based: [before the 1st retry, before the 2nd...]); the last one repeats. */
  retryDelaysMs: number[];
  /** Delay while the Lambda API cannot be reached at all (does not count as an attempt). */
  unreachableDelayMs: number;
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
  log(text: string): void;
}

export interface AsyncInvocation {
  source: DeliverySource;
  consumer: string;
  functionName: string;
  event: unknown;
  /** What identifies the event (SNS message id, S3 object version): the dead letter's id derives from it. */
  identity: string;
  summary: string;
  /** When the event was queued (ms): its age counts from here. */
  queuedAt: number;
}

export type AsyncResult = 'delivered' | 'dead-lettered' | 'abandoned';

export async function invokeAsync(invocation: AsyncInvocation, policy: AsyncRetryPolicy, deps: AsyncInvokeDeps): Promise<AsyncResult> {
  let failures = 0;
  let lastError: FailureDetail = { type: 'None', message: 'not invoked' };
  const deadLetter = async (condition: FailureCondition): Promise<AsyncResult> => {
    await deps.deadLetters.put({
      source: invocation.source,
      consumer: invocation.consumer,
      functionName: invocation.functionName,
      condition,
      event: invocation.event,
      identity: invocation.identity,
      summary: invocation.summary,
      error: lastError,
      attempts: failures,
      failedAt: new Date(deps.now()).toISOString(),
    });
    deps.log(`${invocation.consumer}: ${invocation.summary} dead-lettered after ${failures} failed attempt(s) (${condition}): ${lastError.message}`);
    return 'dead-lettered';
  };

  for (;;) {
    if (deps.signal.aborted) return 'abandoned';
    if (deps.now() - invocation.queuedAt >= policy.maximumEventAgeInSeconds * 1000) return deadLetter('EventAgeExceeded');
    const outcome = await deps.invoke(invocation.functionName, invocation.event);
    if (outcome.ok) return 'delivered';
    lastError = outcome.error;
    if (!outcome.reachedFunction) {
      await deps.sleep(deps.unreachableDelayMs, deps.signal);
      continue;
    }
    failures++;
    if (failures > policy.maximumRetryAttempts) return deadLetter('RetriesExhausted');
    deps.log(`${invocation.consumer}: ${invocation.summary} failed (${outcome.error.message}); retry ${failures} of ${policy.maximumRetryAttempts}`);
    const delays = deps.retryDelaysMs;
    await deps.sleep(delays[Math.min(failures - 1, delays.length - 1)] ?? 0, deps.signal);
  }
}

/** A sleep that ends early when the platform stops. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
