// $disconnect of the realtime WebSocket: the connection's record goes (API Gateway calls it at most once, on a
// best-effort basis: TTL removes what it misses, and a 410 from PostToConnection removes the rest).
import { dependencies } from '@photonotes/shared/dependencies';
import type { Logger } from '@photonotes/shared/log';
import { accepted, websocket } from '@photonotes/shared/websocket';
import { connectionsStoreFromEnv } from '../adapters/dependencies';
import { closeConnection } from '../domain/realtime';
import type { RealtimeDeps } from '../domain/realtime';

export function realtimeDisconnectHandler(deps: Pick<RealtimeDeps, 'connections'>, options: { logger?: Logger } = {}) {
  return websocket({ service: 'notifications', authenticate: false, ...options }).handler(async ({ connectionId }) => {
    await closeConnection(connectionId, deps);
    return accepted;
  });
}

export const handler = realtimeDisconnectHandler(dependencies({ connections: connectionsStoreFromEnv }));
