// Each service's own health route: it checks that the resources the service owns answer, and
// reports 503 naming the failing check otherwise. `GET /health` (users) aggregates these.
import type { HealthRoute } from './health-route';
import { http, json } from './http-public';

export type HealthCheck = () => Promise<unknown>;

export interface ServiceHealth {
  status: 'ok' | 'down';
  checks: Record<string, 'ok' | 'down'>;
}

/** One window of a check: a check that has not answered by then gets one more (see runCheck). */
export const checkTimeoutMs = 2000;
/** The longest a service's own checks take: two windows. */
export const checkBudgetMs = 2 * checkTimeoutMs;

class CheckTimedOut extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimedOut(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A check that does not answer within a window is asked once more, beside the first attempt, for a second window: a
 * cold client's first request carries its start (the SDK loading, the first connection), which on a busy machine
 * took over 2 s with the resource healthy; a fresh attempt on the now warm client answers at once. A check that
 * fails (refused, not found) is down at once; one that hangs is down after both windows.
 */
async function runCheck(check: HealthCheck): Promise<void> {
  const first = check();
  try {
    await withTimeout(first, checkTimeoutMs);
    return;
  } catch (error) {
    if (!(error instanceof CheckTimedOut)) throw error;
  }
  await withTimeout(Promise.any([first, check()]), checkTimeoutMs);
}

export async function runHealthChecks(checks: Record<string, HealthCheck>, onFailure: (name: string, error: unknown) => void): Promise<ServiceHealth> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await runCheck(check);
        return [name, 'ok'] as const;
      } catch (error) {
        onFailure(name, error);
        return [name, 'down'] as const;
      }
    }),
  );
  const status = results.every(([, result]) => result === 'ok') ? 'ok' : 'down';
  return { status, checks: Object.fromEntries(results) };
}

/** Serves a service's `GET /health/<service>` (its src/routes/health.ts) with the checks of what it owns. */
export function healthHandler(route: HealthRoute, checks: Record<string, HealthCheck>) {
  return http(route).handler(async ({ log }) => {
    const health = await runHealthChecks(checks, (name, error) => log.warn('health check failed', { check: name, error }));
    return json(health.status === 'ok' ? 200 : 503, health, { 'cache-control': 'no-store' });
  });
}
