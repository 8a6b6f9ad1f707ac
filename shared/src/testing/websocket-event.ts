// Test-only builders for the events API Gateway hands WebSocket routes ($connect with its query string, frames).
import type { WebSocketEvent } from '../websocket';

export const testing = {
  connectEvent(connectionId: string, query?: Record<string, string>): WebSocketEvent {
    return { requestContext: { connectionId, routeKey: '$connect' }, ...(query ? { queryStringParameters: query } : {}), isBase64Encoded: false };
  },
  disconnectEvent(connectionId: string): WebSocketEvent {
    return { requestContext: { connectionId, routeKey: '$disconnect' }, isBase64Encoded: false };
  },
  /** A text frame; pass bytes for a binary one as serverless-offline delivers it, or `base64` as API Gateway does. */
  messageEvent(connectionId: string, body: unknown, isBase64Encoded = false): WebSocketEvent {
    return { requestContext: { connectionId, routeKey: '$default' }, body, isBase64Encoded };
  },
};
