// IoT rule on `$aws/events/presence/+/+` → the thing's presence (online, lastSeenAt). Events may come late,
// twice or out of order; the domain folds them so presence ends right.
import { createLogger } from '@photonotes/shared/log';
import { iotDeps } from '../adapters/dependencies';
import { recordLifecycleEvent } from '../domain/presence-events';

interface PresenceEvent {
  clientId?: string;
  eventType?: string;
  sessionIdentifier?: string;
  timestamp?: number;
}

const deps = iotDeps();
const log = createLogger({ service: 'iot' });

export async function handler(event: PresenceEvent) {
  const { clientId, eventType, sessionIdentifier, timestamp } = event;
  if (!clientId || (eventType !== 'connected' && eventType !== 'disconnected') || !sessionIdentifier || typeof timestamp !== 'number') {
    log.warn('lifecycle event dropped', { clientId, eventType });
    return 'dropped';
  }
  const outcome = await recordLifecycleEvent(clientId, { type: eventType, sessionId: sessionIdentifier, at: timestamp }, deps);
  log.info('lifecycle event', { clientId, eventType, ...outcome });
  return outcome.status;
}
