// Scheduled (EventBridge, every minute): closes the realtime connections whose token expired (API.md: a connection
// lives until its token expires), found through the connections table's index by expiry minute, never a Scan.
// The fan-out also closes any expired connection it comes across before sending.
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { createLogger } from '@photonotes/shared/log';
import type { ScheduledEvent } from 'aws-lambda';
import { connectionsGatewayFromEnv, connectionsStoreFromEnv, expiringConnectionsFromEnv } from '../adapters/dependencies';
import { sweepExpiredConnections } from '../domain/realtime-fanout';

const log = createLogger({ service: 'notifications' });
const deps = dependencies({ connections: connectionsStoreFromEnv, gateway: connectionsGatewayFromEnv, expiring: expiringConnectionsFromEnv });

/** The time the schedule fired for; the clock when the event has none (an invocation by hand). */
function scheduledTime(event: Partial<Pick<ScheduledEvent, 'time'>>): Date {
  const at = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
  return Number.isNaN(at) ? systemClock.now() : new Date(at);
}

export const handler = async (event: Partial<ScheduledEvent>) => {
  const result = await sweepExpiredConnections(scheduledTime(event), deps, log);
  // A connection that could not be closed is tried again by the next runs (they look back over several minutes).
  if (result.closed + result.failed > 0) log.info('Swept expired realtime connections', result);
  return result;
};
