// POST /analytics/events → 202 { accepted, rejected }.
import { dependencies } from '@photonotes/shared/dependencies';
import { json, http } from '@photonotes/shared/http';
import { emfMetrics } from '@photonotes/shared/metrics-emf';
import { actorKeysFromEnv, eventBufferFromEnv, installRatesFromEnv, newBatchId } from '../adapters/dependencies';
import { ingestEvents } from '../domain/ingest';
import { ingestEventsRoute } from '../routes/ingest-events';

const deps = dependencies({ actorKeys: actorKeysFromEnv, rates: installRatesFromEnv, buffer: eventBufferFromEnv, newBatchId: () => newBatchId, metrics: () => emfMetrics({ service: 'analytics' }) });

export const handler = http(ingestEventsRoute).handler(async ({ body, auth }) => {
  const answer = await ingestEvents({ envelope: body, userId: auth?.userId ?? null, receivedAt: new Date() }, deps);
  return json(202, answer);
});
