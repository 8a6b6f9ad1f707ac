// Each service's own health route: it checks that the resources the service owns answer, and
// reports 503 naming the failing check otherwise. `GET /health` (users) aggregates these.
import type { HealthRoute } from './health-route';
import { http, json } from './http-public';

export type HealthCheck = () => Promise<unknown>;

export interface ServiceHealth {
  status: 'ok' | 'down';
  checks: Record<string, 'ok' | 'down'>;
}

export const checkTimeoutMs = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runHealthChecks(checks: Record<string, HealthCheck>, onFailure: (name: string, error: unknown) => void): Promise<ServiceHealth> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), checkTimeoutMs);
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
