// The realtime channel's rules (API.md "Realtime"): who may open a connection, the 5-connection cap (a sixth closes
// the oldest), how long a connection record is kept, and what the server answers to each client frame.
import type { AuthContext } from '@photonotes/shared/auth';
import type { Clock } from '@photonotes/shared/clock';
import type { ThingTelemetryMessage } from './thing-messages';
import type { SequencedMessage } from './realtime-fanout';

/** API.md: at most 5 connections per user. */
export const maxConnectionsPerUser = 5;
/** API Gateway closes a WebSocket connection after 2 hours whatever happens. */
export const maxConnectionMs = 2 * 60 * 60_000;
/** A record outlives the connection it describes by this much, so TTL never removes a live one. */
export const recordMarginMs = 60 * 60_000;
/** API Gateway's WebSocket frame limit; API.md: frames over 32 KB are refused. */
export const maxFrameBytes = 32 * 1024;
/** API.md: a subscription names at most 20 things. */
export const maxSubscribedThings = 20;

export interface Connection {
  connectionId: string;
  userId: string;
  connectedAt: string;
  /** When the token the connection was opened with expires (the fan-out closes the connection then). */
  tokenExpiresAt: string;
  /** Epoch seconds: DynamoDB's TTL removes the record after the connection cannot be alive any more. */
  expiresAt: number;
}

export interface ConnectionsStore {
  add(connection: Connection): Promise<void>;
  /** The user's connections, in any order. */
  listByUser(userId: string): Promise<Connection[]>;
  /** Removes the record; returns what was removed, undefined when there was none. */
  remove(connectionId: string): Promise<Connection | undefined>;
}

/** The WebSocket API's @connections endpoint (PostToConnection, DeleteConnection). */
export interface ConnectionsGateway {
  /**
   * False when the connection is gone (410): the caller removes its record. `signal` ends the call: once it fires,
   * the message is not posted, nor posted again, and the promise rejects.
   */
  send(connectionId: string, message: ServerMessage | SequencedMessage, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Closes the connection; false when it was already gone. */
  close(connectionId: string): Promise<boolean>;
}

export interface RealtimeDeps {
  connections: ConnectionsStore;
  gateway: ConnectionsGateway;
  clock: Clock;
}

export type FrameErrorCode = 'BINARY_NOT_SUPPORTED' | 'FRAME_TOO_LARGE' | 'INVALID_JSON' | 'UNKNOWN_ACTION' | 'VALIDATION_FAILED' | 'NOT_FOUND' | 'INTERNAL';

export type ServerMessage =
  | { type: 'pong' }
  | { type: 'subscribed'; things: string[] }
  | { type: 'error'; code: FrameErrorCode; message: string }
  | ThingTelemetryMessage;

export const frameError = (code: FrameErrorCode, message: string): ServerMessage => ({ type: 'error', code, message });

/** The record of a connection opened now with a token that expires at `tokenExpiresAtMs`. */
export function newConnection(connectionId: string, caller: AuthContext, tokenExpiresAtMs: number, clock: Clock): Connection {
  const now = clock.now().getTime();
  return {
    connectionId,
    userId: caller.userId,
    connectedAt: new Date(now).toISOString(),
    tokenExpiresAt: new Date(tokenExpiresAtMs).toISOString(),
    // The connection ends at its token's expiry or after 2 hours, whichever is first: both are before this.
    expiresAt: Math.ceil((now + maxConnectionMs + recordMarginMs) / 1000),
  };
}

/** The connections a new one pushes over the cap: the oldest first. */
export function connectionsToEvict(connections: Connection[]): Connection[] {
  const newestFirst = [...connections].sort((a, b) => b.connectedAt.localeCompare(a.connectedAt) || b.connectionId.localeCompare(a.connectionId));
  return newestFirst.slice(maxConnectionsPerUser);
}

/**
 * Records the connection, then closes what the cap no longer allows. Two connections opened at once may both find
 * six: both close the same oldest one, and closing a closed connection is harmless.
 */
export async function openConnection(connection: Connection, deps: RealtimeDeps): Promise<Connection[]> {
  await deps.connections.add(connection);
  const evicted = connectionsToEvict(await deps.connections.listByUser(connection.userId)).filter((c) => c.connectionId !== connection.connectionId);
  await Promise.all(
    evicted.map(async (old) => {
      await deps.gateway.close(old.connectionId);
      await deps.connections.remove(old.connectionId);
    }),
  );
  return evicted;
}

/** Sends one message; a connection found gone (410) loses its record. False when it was gone. */
export async function deliver(connectionId: string, message: ServerMessage, deps: Pick<RealtimeDeps, 'connections' | 'gateway'>): Promise<boolean> {
  if (await deps.gateway.send(connectionId, message)) return true;
  await deps.connections.remove(connectionId);
  return false;
}

export async function closeConnection(connectionId: string, deps: Pick<RealtimeDeps, 'connections'>): Promise<void> {
  await deps.connections.remove(connectionId);
}

/** A client frame as API Gateway hands it over: text, or binary (base64, or bytes locally). */
export interface ClientFrame {
  body?: unknown;
  isBase64Encoded?: boolean | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A well-formed subscription: answered after looking the things up (thing-subscriptions.ts). */
export interface SubscribeRequest {
  action: 'subscribe';
  /** 1 to 20 distinct ids, as the client sent them. */
  things: string[];
}

/** The answer to one client frame, or the subscription to look up. Never throws for anything the client sent. */
export function answerFrame(frame: ClientFrame): ServerMessage | SubscribeRequest {
  if (typeof frame.body !== 'string' || frame.isBase64Encoded) return frameError('BINARY_NOT_SUPPORTED', 'Send JSON text frames');
  if (Buffer.byteLength(frame.body, 'utf8') > maxFrameBytes) return frameError('FRAME_TOO_LARGE', `Frames are limited to ${maxFrameBytes / 1024} KB`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame.body);
  } catch {
    return frameError('INVALID_JSON', 'The frame is not valid JSON');
  }
  if (!isRecord(parsed) || typeof parsed.action !== 'string') return frameError('VALIDATION_FAILED', 'A frame is a JSON object with an "action"');
  switch (parsed.action) {
    case 'ping':
      return { type: 'pong' };
    case 'subscribe':
      return answerSubscribe(parsed.things);
    default:
      return frameError('UNKNOWN_ACTION', `Unknown action "${parsed.action.slice(0, 40)}"`);
  }
}

/** A list of 1 to 20 thing ids; whose they are is looked up next (thing-subscriptions.ts). */
function answerSubscribe(things: unknown): ServerMessage | SubscribeRequest {
  if (!Array.isArray(things) || things.length === 0 || things.length > maxSubscribedThings || !things.every((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 128)) {
    return frameError('VALIDATION_FAILED', `"things" is a list of 1 to ${maxSubscribedThings} thing ids`);
  }
  return { action: 'subscribe', things: [...new Set(things)] };
}
