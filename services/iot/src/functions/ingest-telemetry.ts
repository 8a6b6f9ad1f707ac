// IoT rule on `things/+/telemetry` → readings, rollups and alerts. A malformed or unwanted message is dropped
// (counted in the log), never thrown: the rule's retries are kept for storage failures.
import { createLogger } from '@photonotes/shared/log';
import { flushMetrics } from '@photonotes/shared/metrics';
import { ingestDeps } from '../adapters/dependencies';
import { ingestTelemetry } from '../domain/ingest';
import { deviceMessageFrom } from './rule-event';
import type { RuleEvent } from './rule-event';

const deps = ingestDeps();
const log = createLogger({ service: 'iot' });

export async function handler(event: RuleEvent) {
  const message = deviceMessageFrom(event);
  // The message's metric is written once, at the end of the invocation (shared/src/metrics.ts).
  const outcome = await ingestTelemetry(message, deps).finally(flushMetrics);
  if (outcome.status === 'dropped') log.warn('telemetry dropped', { thingId: message.thingId, reason: outcome.reason, detail: outcome.detail });
  else {
    log.info('telemetry stored', { thingId: message.thingId, ...outcome.readings, published: outcome.published, streamed: outcome.streamed });
    if (outcome.streamError !== undefined) log.warn('thing.telemetry not published', { thingId: message.thingId, err: outcome.streamError });
  }
  return outcome.status;
}
