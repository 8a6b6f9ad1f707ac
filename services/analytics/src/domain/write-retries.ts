// Aggregate writes that collide with another writer's transaction on a shared counter (every consumer adds to
// today's totals) are tried again after a jittered backoff; after the last attempt the work fails, and Lambda's
// retry of the whole work finds what was applied already (every write is conditional or idempotent).
import { backoff } from '@photonotes/shared/backoff';
import type { BackoffPolicy } from '@photonotes/shared/backoff';

export interface RetryPolicy {
  /** Attempts per write, the first included. */
  attempts: number;
  backoff: BackoffPolicy;
  /** Waits before the `retry`-th retry (tests make it immediate). */
  wait?: (retry: number, policy: BackoffPolicy) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 8, backoff: { baseMs: 20, capMs: 1000 } };

export class WriteConflictError extends Error {
  constructor(what: string, attempts: number) {
    super(`${what} still conflicted after ${attempts} attempts`);
    this.name = 'WriteConflictError';
  }
}

/** Runs `write` until it answers something other than a conflict, at most `policy.attempts` times. */
export async function retryConflicts<T>(what: string, policy: RetryPolicy, write: () => Promise<T>, isConflict: (outcome: T) => boolean): Promise<T> {
  const wait = policy.wait ?? backoff;
  for (let attempt = 1; ; attempt++) {
    const outcome = await write();
    if (!isConflict(outcome)) return outcome;
    if (attempt >= policy.attempts) throw new WriteConflictError(what, attempt);
    await wait(attempt, policy.backoff);
  }
}

/** Runs `task` for every item, at most `limit` at once; waits for all, then throws the first failure if any. */
export async function forEachConcurrently<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (err) {
        failures.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
