// GET /health: 200 when every service answers its own health route, 503 naming the ones that do not.
import { optionalEnv } from '@photonotes/shared/env';
import { http, json } from '@photonotes/shared/http';
import { httpServiceProbe } from '../adapters/service-health-probe';
import { systemHealth } from '../domain/system-health';
import { systemHealthRoute } from '../routes/system-health';

// Locally the gateway's URL; deployed, the API's own domain taken from the request.
const configuredBaseUrl = optionalEnv('PUBLIC_BASE_URL');

export const handler = http(systemHealthRoute).handler(async ({ event }) => {
  const baseUrl = configuredBaseUrl ?? `https://${event.requestContext.domainName}`;
  const health = await systemHealth(httpServiceProbe(baseUrl));
  return json(health.status === 'ok' ? 200 : 503, health, { 'cache-control': 'no-store' });
});
