// The system-wide health answer of `GET /health`: every service's own health route, asked in parallel.
export const serviceNames = ['users', 'core-api', 'search', 'notifications', 'thumbnails', 'iot', 'analytics'] as const;
export type ServiceName = (typeof serviceNames)[number];
export type ServiceStatus = 'ok' | 'down';

export interface SystemHealth {
  status: 'ok' | 'degraded';
  services: Record<ServiceName, ServiceStatus>;
}

export type ServiceProbe = (service: ServiceName) => Promise<ServiceStatus>;

export async function systemHealth(probe: ServiceProbe): Promise<SystemHealth> {
  const statuses = await Promise.all(serviceNames.map(async (service) => [service, await probe(service).catch((): ServiceStatus => 'down')] as const));
  const services = Object.fromEntries(statuses) as Record<ServiceName, ServiceStatus>;
  return { status: statuses.every(([, status]) => status === 'ok') ? 'ok' : 'degraded', services };
}
