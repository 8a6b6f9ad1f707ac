// AWS IoT Core's lifecycle (presence) events: the topics and payloads it publishes when a client connects or
// disconnects, so rules and subscribers selecting from `$aws/events/presence/...` work locally as deployed.

export type DisconnectReason =
  | 'AUTH_ERROR'
  | 'CLIENT_INITIATED_DISCONNECT'
  | 'CLIENT_ERROR'
  | 'CONNECTION_LOST'
  | 'DUPLICATE_CLIENTID'
  | 'MQTT_KEEP_ALIVE_TIMEOUT'
  | 'SERVER_INITIATED_DISCONNECT'
  | 'API_INITIATED_DISCONNECT';

export interface Session {
  clientId: string;
  /** Identifies this connection: the same in its connected and disconnected events. */
  sessionIdentifier: string;
  /** The principal the authorizer returned (principalId). */
  principalIdentifier: string;
  ipAddress: string;
  /** Grows with each connection of a client id: connected and disconnected of one connection share it. */
  versionNumber: number;
}

export interface ConnectedEvent {
  clientId: string;
  timestamp: number;
  eventType: 'connected';
  sessionIdentifier: string;
  principalIdentifier: string;
  ipAddress: string;
  versionNumber: number;
}

export interface DisconnectedEvent {
  clientId: string;
  timestamp: number;
  eventType: 'disconnected';
  sessionIdentifier: string;
  principalIdentifier: string;
  clientInitiatedDisconnect: boolean;
  disconnectReason: DisconnectReason;
  versionNumber: number;
}

export const presenceTopic = (eventType: 'connected' | 'disconnected', clientId: string) => `$aws/events/presence/${eventType}/${clientId}`;

/** AWS IoT publishes no lifecycle events for client ids containing a wildcard. */
export const hasLifecycleEvents = (clientId: string) => !clientId.includes('+') && !clientId.includes('#');

export function connectedEvent(session: Session, timestamp: number): ConnectedEvent {
  return {
    clientId: session.clientId,
    timestamp,
    eventType: 'connected',
    sessionIdentifier: session.sessionIdentifier,
    principalIdentifier: session.principalIdentifier,
    ipAddress: session.ipAddress,
    versionNumber: session.versionNumber,
  };
}

export function disconnectedEvent(session: Session, reason: DisconnectReason, timestamp: number): DisconnectedEvent {
  return {
    clientId: session.clientId,
    timestamp,
    eventType: 'disconnected',
    sessionIdentifier: session.sessionIdentifier,
    principalIdentifier: session.principalIdentifier,
    clientInitiatedDisconnect: reason === 'CLIENT_INITIATED_DISCONNECT',
    disconnectReason: reason,
    versionNumber: session.versionNumber,
  };
}

/**
 * Version numbers per client id that keep growing across platform restarts without storing anything: each is
 * at least the current time in milliseconds and above the last one handed out for that client id.
 */
export function versionCounter(now: () => number = Date.now): (clientId: string) => number {
  const last = new Map<string, number>();
  return (clientId) => {
    const next = Math.max(now(), (last.get(clientId) ?? 0) + 1);
    last.set(clientId, next);
    return next;
  };
}
