// Asks one service's own health route over the same HTTP API the apps use.
import type { ServiceName, ServiceProbe, ServiceStatus } from '../domain/system-health';

const probeTimeoutMs = 2500;

export function httpServiceProbe(baseUrl: string, fetchImpl: typeof fetch = fetch): ServiceProbe {
  return async (service: ServiceName): Promise<ServiceStatus> => {
    const response = await fetchImpl(`${baseUrl}/health/${service}`, { signal: AbortSignal.timeout(probeTimeoutMs) });
    await response.body?.cancel();
    return response.ok ? 'ok' : 'down';
  };
}
