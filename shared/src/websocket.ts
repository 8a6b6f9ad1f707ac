// The chain behind every WebSocket route ($connect, $disconnect, $default): logger with the connection id, on
// $connect the access token of `?token=` verified with the same verifier as HTTP (revocation list included), and
// errors turned into what API Gateway expects: a status that refuses the upgrade on $connect, an error frame on
// $default. Kept small: a WebSocket frame has no headers, body schema or response serialisation to speak of.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { decodeJwt } from 'jose';
import type { AccessTokenVerifier, AuthContext } from './auth';
import { defaultVerifier } from './auth';
import { lazy } from './dependencies';
import { isAppError, UnauthorizedError } from './errors';
import { createLogger, forInvocation } from './log';
import type { Logger } from './log';

/** What API Gateway (and serverless-offline) hand a WebSocket route's function. */
export interface WebSocketEvent {
  requestContext: { connectionId: string; routeKey: string; requestId?: string };
  queryStringParameters?: Record<string, string | undefined> | null;
  /** A text frame's text; binary frames arrive base64-encoded (bytes locally). */
  body?: unknown;
  isBase64Encoded?: boolean;
}

export interface WebSocketResult {
  statusCode: number;
  /** On $default, the frame sent back to the client (the route's `routeResponseSelectionExpression: $default`). */
  body?: string;
}

export interface WebSocketRequest<Authenticated extends boolean> {
  connectionId: string;
  /** The caller on $connect; null on the other routes (API Gateway authenticates only the handshake). */
  auth: Authenticated extends true ? AuthContext : null;
  /** When the verified token expires (ms since the epoch); null where nothing was verified. */
  tokenExpiresAtMs: Authenticated extends true ? number : null;
  event: WebSocketEvent;
  log: Logger;
  context: Context;
}

export interface WebSocketOptions<Authenticated extends boolean> {
  service: string;
  /** $connect: verify `?token=` and refuse the upgrade (401) without a valid, unrevoked one. */
  authenticate: Authenticated;
  /** What the client gets when the handler fails on $default (any frame; the connection stays open). */
  errorFrame?: (message: string) => string;
  verifier?: AccessTokenVerifier;
  logger?: Logger;
}

export const accepted: WebSocketResult = { statusCode: 200 };

export function websocket<Authenticated extends boolean>(options: WebSocketOptions<Authenticated>) {
  const log = options.logger ?? createLogger({ service: options.service });
  // Built at the first invocation, like every dependency (dependencies.ts): a missing COGNITO_* or REVOCATIONS_TABLE
  // variable fails that invocation loudly (a 500, logged), and importing the module reads no environment.
  const verifier = options.authenticate ? lazy(() => options.verifier ?? defaultVerifier()) : undefined;
  return {
    handler(fn: (request: WebSocketRequest<Authenticated>) => Promise<WebSocketResult>) {
      return middy<WebSocketEvent, WebSocketResult, Error, Context>().handler(async (event, context) => {
        forInvocation(log, context);
        const { connectionId, routeKey } = event.requestContext;
        const requestLog = log.child({ connectionId, routeKey, ...(context.awsRequestId ? { requestId: context.awsRequestId } : {}) });
        try {
          let auth: AuthContext | null = null;
          let tokenExpiresAtMs: number | null = null;
          if (verifier) {
            const token = event.queryStringParameters?.token;
            if (!token) throw new UnauthorizedError('Missing access token');
            auth = await verifier().verify(token);
            // Verified just above, so its claims can be read as they are.
            tokenExpiresAtMs = (decodeJwt(token).exp ?? 0) * 1000;
          }
          return await fn({ connectionId, auth, tokenExpiresAtMs, event, log: requestLog, context } as WebSocketRequest<Authenticated>);
        } catch (err) {
          const status = isAppError(err) ? err.status : 500;
          if (status >= 500) requestLog.error('WebSocket route failed', { err });
          else requestLog.info('WebSocket request refused', { status, reason: err instanceof Error ? err.message : String(err) });
          if (options.errorFrame) return { statusCode: 200, body: options.errorFrame(status >= 500 ? 'Internal server error' : (err as Error).message) };
          return { statusCode: status };
        }
      });
    },
  };
}
