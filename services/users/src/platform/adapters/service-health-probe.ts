// Asks one service's own health route over the same HTTP API the apps use.
import type { ServiceName, ServiceProbe, ServiceStatus } from '../domain/system-health';

/**
 * A service's own health answers within its checks' budget (shared/src/health.ts: two 2 s windows) plus its
 * function's start: a cold start on Lambda, a worker loading its handler locally (seconds on a busy 2-core machine,
 * where 2.5 s once called four healthy services down). 7 s still leaves GET /health inside its 10 s function
 * timeout, and a service that is really down refuses or fails at once.
 */
export const probeTimeoutMs = 7000;

export function httpServiceProbe(baseUrl: string, fetchImpl: typeof fetch = fetch, timeoutMs = probeTimeoutMs): ServiceProbe {
  return async (service: ServiceName): Promise<ServiceStatus> => {
    const response = await fetchImpl(`${baseUrl}/health/${service}`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? 'ok' : 'down';
  };
}
