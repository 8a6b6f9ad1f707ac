// The one backoff of the project: exponential with full jitter, so writers that collided do not collide
// again in step. Used wherever something is tried again after a wait: batch leftovers (dynamodb/batch.ts)
// and core-api's optimistic write loop (domain/write-attempts.ts).

export interface BackoffPolicy {
  /** The delay bound of the first retry, doubled on every further one. */
  baseMs: number;
  /** No delay bound grows past this. */
  capMs: number;
}

/** A delay in [0, min(cap, base · 2^(retry-1))) for the `retry`-th retry (1 for the first). */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return bound * random();
}

/** Waits before the `retry`-th retry. */
export function backoff(retry: number, policy: BackoffPolicy): Promise<void> {
  const ms = backoffDelay(retry, policy);
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
