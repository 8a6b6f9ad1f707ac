// GET /health: 200 when every service answers its own health route, 503 naming the ones that do not.
import { http, json } from '@photonotes/shared/http-public';
import { publicBaseUrl } from '../adapters/dependencies';
import { httpServiceProbe } from '../adapters/service-health-probe';
import { systemHealth } from '../domain/system-health';
import { systemHealthRoute } from '../routes/system-health';

export const handler = http(systemHealthRoute).handler(async ({ event }) => {
  // Locally the gateway's URL; deployed, the API's own domain taken from the request.
  const baseUrl = publicBaseUrl() ?? `https://${event.requestContext.domainName}`;
  const health = await systemHealth(httpServiceProbe(baseUrl));
  return json(health.status === 'ok' ? 200 : 503, health, { 'cache-control': 'no-store' });
});
