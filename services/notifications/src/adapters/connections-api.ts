// The WebSocket API's @connections endpoint behind the domain's ConnectionsGateway: PostToConnection and
// DeleteConnection. Locally serverless-offline serves the same API on the service's websocket port.
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionsGateway, ServerMessage } from '../domain/realtime';
import type { SequencedMessage } from '../domain/realtime-fanout';

/** The part of the SDK client the adapter uses; a fake only needs `send`. */
export interface ManagementSender {
  send(command: PostToConnectionCommand | DeleteConnectionCommand): Promise<unknown>;
}

/** 410 Gone: the connection no longer exists (API Gateway answers so even after an earlier success). */
function isGone(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return (err as { name?: unknown } | null)?.name === 'GoneException' || status === 410;
}

export function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  // The fan-out stops waiting for a call after a second (domain/realtime-fanout.ts); these bound the socket too.
  return new ApiGatewayManagementApiClient({ endpoint, maxAttempts: 3, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } });
}

export function connectionsApi(client: ManagementSender): ConnectionsGateway {
  const encoder = new TextEncoder();
  return {
    async send(connectionId: string, message: ServerMessage | SequencedMessage) {
      try {
        await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: encoder.encode(JSON.stringify(message)) }));
        return true;
      } catch (err) {
        if (isGone(err)) return false;
        throw err;
      }
    },
    async close(connectionId: string) {
      try {
        await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
        return true;
      } catch (err) {
        if (isGone(err)) return false;
        throw err;
      }
    },
  };
}
