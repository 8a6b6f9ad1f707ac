// $connect of the realtime WebSocket: `?token=` verified by the shared chain (401 refuses the upgrade), then the
// connection recorded under its user; a sixth connection closes the user's oldest.
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { accepted, websocket } from '@photonotes/shared/websocket';
import { connectionsGatewayFromEnv, connectionsStoreFromEnv } from '../adapters/dependencies';
import { newConnection, openConnection } from '../domain/realtime';

const deps = dependencies({ connections: connectionsStoreFromEnv, gateway: connectionsGatewayFromEnv, clock: () => systemClock });

export const handler = websocket({ service: 'notifications', authenticate: true }).handler(async ({ connectionId, auth, tokenExpiresAtMs, log }) => {
  const evicted = await openConnection(newConnection(connectionId, auth, tokenExpiresAtMs, deps.clock), deps);
  if (evicted.length > 0) log.info('Closed connections over the cap', { userId: auth.userId, evicted: evicted.map((c) => c.connectionId) });
  return accepted;
});
