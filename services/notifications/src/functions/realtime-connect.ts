// $connect of the realtime WebSocket: `?token=` verified by the shared chain (401 refuses the upgrade), then the
// connection recorded under its user; a sixth connection closes the user's oldest.
import type { AccessTokenVerifier } from '@photonotes/shared/auth';
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import type { Logger } from '@photonotes/shared/log';
import { accepted, websocket } from '@photonotes/shared/websocket';
import { connectionsGatewayFromEnv, connectionsStoreFromEnv } from '../adapters/dependencies';
import { newConnection, openConnection } from '../domain/realtime';
import type { RealtimeDeps } from '../domain/realtime';

export function realtimeConnectHandler(deps: RealtimeDeps, options: { verifier?: AccessTokenVerifier; logger?: Logger } = {}) {
  return websocket({ service: 'notifications', authenticate: true, ...options }).handler(async ({ connectionId, auth, tokenExpiresAtMs, log }) => {
    const evicted = await openConnection(newConnection(connectionId, auth, tokenExpiresAtMs, deps.clock), deps);
    if (evicted.length > 0) log.info('Closed connections over the cap', { userId: auth.userId, evicted: evicted.map((c) => c.connectionId) });
    return accepted;
  });
}

export const handler = realtimeConnectHandler(dependencies({ connections: connectionsStoreFromEnv, gateway: connectionsGatewayFromEnv, clock: () => systemClock }));
