// The WebSocket API's @connections endpoint behind the domain's ConnectionsGateway: PostToConnection and
// DeleteConnection. Locally serverless-offline serves the same API on the service's websocket port.
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionsGateway, ServerMessage } from '../domain/realtime';
import type { SequencedMessage } from '../domain/realtime-fanout';

/** The part of the SDK client the adapter uses; a fake only needs `send`. */
export interface ManagementSender {
  send(command: PostToConnectionCommand | DeleteConnectionCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** 410 Gone: the connection no longer exists (API Gateway answers so even after an earlier success). */
function isGone(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return (err as { name?: unknown } | null)?.name === 'GoneException' || status === 410;
}

/**
 * One attempt per call, never retried by the SDK: the fan-out aborts a post it stopped waiting for (after a second,
 * domain/realtime-fanout.ts) and releases the note's claim once the call ended, so a retried post of an older change
 * could otherwise land after the newer one. The timeouts bound the socket as well.
 */
const managementClientConfig = { maxAttempts: 1, requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_000 } } as const;

export function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({ endpoint, ...managementClientConfig });
}

export function connectionsApi(client: ManagementSender): ConnectionsGateway {
  const encoder = new TextEncoder();
  return {
    async send(connectionId: string, message: ServerMessage | SequencedMessage, options?: { signal?: AbortSignal }) {
      try {
        const command = new PostToConnectionCommand({ ConnectionId: connectionId, Data: encoder.encode(JSON.stringify(message)) });
        // The SDK drops an aborted request (the socket too) and rejects at once.
        await (options?.signal ? client.send(command, { abortSignal: options.signal }) : client.send(command));
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
