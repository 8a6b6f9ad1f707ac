// What the twin knows about each MQTT connection: its authorizer decision (policies, principal, timers), its
// lifecycle session, and why it ended. Kept beside the aedes client (never on it) and dropped with it.
import type { Client } from 'aedes';
import type { AuthorizerDecision } from './authorizer';
import type { DisconnectReason, Session } from './presence';

export interface Connection {
  /** AWS's connectionMetadata.id, and the lifecycle events' sessionIdentifier. */
  id: string;
  ipAddress: string;
  username: string | undefined;
  password: Buffer | undefined;
  decision: AuthorizerDecision | null;
  session: Session | null;
  /** The first reason the twin saw for the end of this connection; later ones do not overwrite it. */
  reason: DisconnectReason | null;
  timers: NodeJS.Timeout[];
  connectedEventSent: boolean;
}

/** aedes keeps these on the client without declaring them in its types. */
interface ClientInternals {
  _disconnected?: boolean;
  will?: unknown;
  conn: { remoteAddress?: string };
}

export class Connections {
  private readonly byClient = new WeakMap<Client, Connection>();

  open(client: Client, id: string): Connection {
    const remote = (client as unknown as ClientInternals).conn.remoteAddress ?? '127.0.0.1';
    const connection: Connection = {
      id,
      ipAddress: remote.replace(/^::ffff:/, ''),
      username: undefined,
      password: undefined,
      decision: null,
      session: null,
      reason: null,
      timers: [],
      connectedEventSent: false,
    };
    this.byClient.set(client, connection);
    return connection;
  }

  get(client: Client): Connection | undefined {
    return this.byClient.get(client);
  }

  /** Records why the connection ends, unless an earlier reason is already known. */
  endWith(client: Client, reason: DisconnectReason): void {
    const connection = this.byClient.get(client);
    if (connection) connection.reason ??= reason;
  }

  /** The reason for a connection that has ended: a DISCONNECT packet, else a lost connection, unless known. */
  finalReason(client: Client): DisconnectReason {
    const known = this.byClient.get(client)?.reason;
    if (known) return known;
    return (client as unknown as ClientInternals)._disconnected ? 'CLIENT_INITIATED_DISCONNECT' : 'CONNECTION_LOST';
  }

  clearTimers(client: Client): void {
    const connection = this.byClient.get(client);
    for (const timer of connection?.timers ?? []) clearTimeout(timer);
    if (connection) connection.timers = [];
  }

  /** DeleteConnection with preventWillMessage: the will is dropped before the close would publish it. */
  dropWill(client: Client): void {
    (client as unknown as ClientInternals).will = null;
  }
}
