// $disconnect of the realtime WebSocket: the connection's record goes (API Gateway calls it at most once, on a
// best-effort basis: TTL removes what it misses, and a 410 from PostToConnection removes the rest).
import { dependencies } from '@photonotes/shared/dependencies';
import { accepted, websocket } from '@photonotes/shared/websocket';
import { connectionsStoreFromEnv } from '../adapters/dependencies';
import { closeConnection } from '../domain/realtime';

const deps = dependencies({ connections: connectionsStoreFromEnv });

export const handler = websocket({ service: 'notifications', authenticate: false }).handler(async ({ connectionId }) => {
  await closeConnection(connectionId, deps);
  return accepted;
});
