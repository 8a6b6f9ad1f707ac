// The MQTT side of the local AWS IoT Core twin: an aedes broker whose hooks do what IoT Core's device gateway
// does with a custom authorizer. CONNECT invokes the authorizer function (nothing is cached across connections);
// its policies then judge every publish (iot:Publish, plus iot:RetainPublish for retained ones), subscription
// (iot:Subscribe on topicfilter/..., refused by negation: SUBACK 0x80) and delivery (iot:Receive). An
// unauthorised publish closes the connection, as IoT Core does. The authorizer is asked again every
// refreshAfterInSeconds, and the connection is closed after disconnectAfterInSeconds. Lifecycle events are
// published on $aws/events/presence/... Every aedes hook is callback-style: an async hook misbehaves in aedes.
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import net from 'node:net';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { authorizerEvent, readAuthorizerAnswer, type AuthorizerDecision } from './authorizer';
import { Connections } from './connections';
import type { IotAuthorizerDefinition } from './definitions';
import type { IotMessage } from './iot-sql-evaluate';
import { describeFailure, type Invoke } from './lambda-invoke';
import { iotArn, isAllowed, type IotAction } from './policy';
import { connectedEvent, disconnectedEvent, hasLifecycleEvents, presenceTopic, versionCounter, type DisconnectReason } from './presence';
import type { RetainedMessages } from './retained';
import { topicLimitError } from './topics';
import { limiter } from '../admission';

/** AWS IoT Core's largest MQTT payload. */
export const maxPayloadBytes = 128 * 1024;
/** AWS IoT Core's limit for an authorizer function's answer. */
export const authorizerTimeoutMs = 5000;

export interface BrokerOptions {
  authorizer: IotAuthorizerDefinition | null;
  invoke: Invoke;
  region: string;
  accountId: string;
  retained: RetainedMessages;
  /** Every message that reaches the broker, from devices, the data plane and lifecycle events: the rules engine. */
  onMessage(message: IotMessage): void;
  log(text: string): void;
  /** How long an authorizer's second lasts (tests shrink refreshAfterInSeconds and disconnectAfterInSeconds). */
  msPerSecond?: number;
  /**
   * Authorizer invocations under way at once (default 8); further CONNECTs wait their turn. serverless-offline
   * starts another worker thread (its own V8 heap) for each concurrent call, so a reconnect storm would otherwise
   * cost the platform hundreds of MB.
   */
  authorizerConcurrency?: number;
}

export interface DeleteConnectionOptions {
  cleanSession?: boolean;
  preventWillMessage?: boolean;
}

export interface IotBroker {
  listen(port: number, host: string): Promise<net.Server>;
  publish(message: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean }): Promise<void>;
  /** Closes a connected client as DeleteConnection does; false when no client has that id. */
  deleteConnection(clientId: string, options: DeleteConnectionOptions): boolean;
  connectedClients(): number;
  /**
   * Stops accepting connections and drops every connected client's socket, as a crashed broker would, but keeps
   * the broker's state (sessions, retained messages): `listen` again and devices reconnect. Fault drills only.
   */
  stopListening(): Promise<void>;
  close(): Promise<void>;
}

interface AedesInternals {
  clients: Record<string, Client>;
  persistence: { storeRetained(packet: object): Promise<void>; cleanSubscriptions(client: { id: string }): Promise<void> };
}

const refusal = (returnCode: number, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode }) as AuthenticateError;
/** CONNACK 5, "Connection refused: not authorized": what a device sees for any refused credentials. */
const notAuthorized = () => refusal(5, 'not authorized');


/** `user?x-amz-customauthorizer-name=name&...`: the authorizer a username names, if any. */
function namedAuthorizer(username: string | undefined): string | null {
  const query = username?.split('?')[1];
  return query ? new URLSearchParams(query).get('x-amz-customauthorizer-name') : null;
}

export async function createIotBroker(options: BrokerOptions): Promise<IotBroker> {
  const connections = new Connections();
  const nextVersion = versionCounter();
  const arn = (resource: string) => iotArn(options.region, options.accountId, resource);
  let stopping = false;
  const authorizerSlot = limiter(options.authorizerConcurrency ?? 8);

  const allowed = (client: Client, decision: AuthorizerDecision, action: IotAction, resource: string) => isAllowed(decision.policies, action, arn(resource), { clientId: client.id });

  /** Invokes the authorizer; the decision, or why the connection is refused. */
  async function authorize(client: Client, username: string | undefined, password: Buffer | undefined, connectionId: string): Promise<{ decision: AuthorizerDecision } | { refused: string }> {
    const authorizer = options.authorizer;
    if (!authorizer) return { refused: 'no service declares an AWS::IoT::Authorizer' };
    const named = namedAuthorizer(username);
    if (named !== null && named !== authorizer.name) return { refused: `the username names authorizer "${named}"; the local one is "${authorizer.name}"` };
    const event = authorizerEvent({ username, password, clientId: client.id, connectionId });
    const outcome = await authorizerSlot(() => options.invoke(authorizer.target, event, authorizerTimeoutMs));
    if (!outcome.ok) return { refused: `authorizer ${authorizer.target.functionName} failed: ${describeFailure(outcome.error)}` };
    const answer = readAuthorizerAnswer(outcome.payload);
    if (!answer.authenticated) return { refused: answer.reason };
    if (!allowed(client, answer.decision, 'iot:Connect', `client/${client.id}`)) return { refused: `the policies do not allow iot:Connect on client/${client.id}` };
    return { decision: answer.decision };
  }

  function closeFor(client: Client, reason: DisconnectReason, why: string): void {
    if (client.closed) return;
    connections.endWith(client, reason);
    options.log(`MQTT client ${client.id}: ${why}; connection closed`);
    client.close();
  }

  function addTimer(client: Client, seconds: number, action: () => void): void {
    const connection = connections.get(client);
    if (!connection) return;
    const timer = setTimeout(action, seconds * (options.msPerSecond ?? 1000));
    timer.unref();
    connection.timers.push(timer);
  }

  /** Asks the authorizer again after refreshAfterInSeconds; a refusal (or a failure) ends the connection. */
  function scheduleRefresh(client: Client, seconds: number | null): void {
    if (seconds === null) return;
    addTimer(client, seconds, () => {
      const connection = connections.get(client);
      if (!connection || client.closed) return;
      authorize(client, connection.username, connection.password, connection.id)
        .catch((error: unknown) => ({ refused: error instanceof Error ? error.message : String(error) }))
        .then((result) => {
          if (client.closed) return;
          if ('refused' in result) return closeFor(client, 'AUTH_ERROR', `policy refresh refused (${result.refused})`);
          // The connection keeps the disconnect time it was given when it connected.
          connection.decision = result.decision;
          scheduleRefresh(client, result.decision.refreshAfterSeconds);
        });
    });
  }

  const aedes = await Aedes.createBroker({
    // AWS IoT Core accepts client ids of up to 128 bytes (aedes' default is MQTT 3.1's 23).
    maxClientsIdLength: 128,
    preConnect(client, _packet, callback) {
      connections.open(client, randomUUID());
      // A connection that ends before it is registered never gets 'clientDisconnect': its timers go here.
      client.conn.once('close', () => connections.clearTimers(client));
      callback(null, true);
    },
    authenticate(client, username, password, done) {
      const connection = connections.get(client) ?? connections.open(client, randomUUID());
      authorize(client, username, password, connection.id).then(
        (result) => {
          if ('refused' in result) {
            options.log(`MQTT client ${client.id} refused: ${result.refused}`);
            done(notAuthorized(), false);
            return;
          }
          Object.assign(connection, { username, password, decision: result.decision });
          connection.session = {
            clientId: client.id,
            sessionIdentifier: connection.id,
            principalIdentifier: result.decision.principalId,
            ipAddress: connection.ipAddress,
            versionNumber: nextVersion(client.id),
          };
          const previous = (aedes as unknown as AedesInternals).clients[client.id];
          if (previous && previous !== client) connections.endWith(previous, 'DUPLICATE_CLIENTID');
          addTimer(client, result.decision.disconnectAfterSeconds, () => closeFor(client, 'SERVER_INITIATED_DISCONNECT', `disconnectAfterInSeconds (${result.decision.disconnectAfterSeconds} s) reached`));
          scheduleRefresh(client, result.decision.refreshAfterSeconds);
          done(null, true);
        },
        (error: unknown) => {
          options.log(`MQTT client ${client.id} refused: ${error instanceof Error ? error.message : String(error)}`);
          done(notAuthorized(), false);
        },
      );
    },
    authorizePublish(client, packet, callback) {
      // The broker's own publishes (data plane, lifecycle events) and wills of clients already gone.
      if (!client) return callback(null);
      const decision = connections.get(client)?.decision;
      const fail = (reason: DisconnectReason, why: string) => {
        // A closed client's publish is its will, published as the connection ends: refused, nothing more.
        if (client.closed) options.log(`MQTT client ${client.id}: will message not published: ${why}`);
        else options.log(`MQTT client ${client.id}: ${why}; connection closed`);
        connections.endWith(client, reason);
        callback(new Error(why));
      };
      if (packet.qos === 2) return fail('CLIENT_ERROR', 'AWS IoT Core does not support QoS 2');
      if (packet.payload.length > maxPayloadBytes) return fail('CLIENT_ERROR', `payload of ${packet.payload.length} bytes is over the 128 KB limit`);
      const limit = topicLimitError(packet.topic);
      if (limit) return fail('CLIENT_ERROR', `cannot publish to ${packet.topic}: ${limit}`);
      if (packet.topic.startsWith('$SYS/') || packet.topic.startsWith('$aws/events/')) return fail('AUTH_ERROR', `${packet.topic} is a reserved topic`);
      if (!decision || !allowed(client, decision, 'iot:Publish', `topic/${packet.topic}`)) return fail('AUTH_ERROR', `not authorised to publish to ${packet.topic}`);
      if (packet.retain && !allowed(client, decision, 'iot:RetainPublish', `topic/${packet.topic}`)) return fail('AUTH_ERROR', `not authorised to publish a retained message to ${packet.topic}`);
      callback(null);
    },
    authorizeSubscribe(client, subscription: Subscription, callback) {
      const decision = connections.get(client)?.decision;
      if (!decision || !allowed(client, decision, 'iot:Subscribe', `topicfilter/${subscription.topic}`)) {
        options.log(`MQTT client ${client.id}: subscription to ${subscription.topic} refused (SUBACK 0x80)`);
        // Negated, not an error: an error would disconnect the client; AWS answers the failure code.
        return callback(null, null);
      }
      // AWS IoT Core grants at most QoS 1.
      callback(null, subscription.qos > 1 ? { ...subscription, qos: 1 } : subscription);
    },
    authorizeForward(client, packet: AedesPublishPacket) {
      const decision = connections.get(client)?.decision;
      return decision && allowed(client, decision, 'iot:Receive', `topic/${packet.topic}`) ? packet : null;
    },
    published(packet, client, callback) {
      callback(null);
      if (packet.topic.startsWith('$SYS/')) return;
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      if (packet.retain) options.retained.record(packet.topic, payload, packet.qos, Date.now());
      options.onMessage({ topic: packet.topic, payload, clientId: client?.id ?? null });
    },
  });
  const internals = aedes as unknown as AedesInternals;

  const publish = (message: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean }) =>
    new Promise<void>((resolve, reject) => {
      const packet: PublishPacket = { cmd: 'publish', topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain, dup: false };
      aedes.publish(packet, (error) => (error ? reject(error) : resolve()));
    });

  const publishLifecycle = (topic: string, event: object) => {
    publish({ topic, payload: Buffer.from(JSON.stringify(event)), qos: 1, retain: false }).catch((error: unknown) => options.log(`lifecycle event on ${topic} not published: ${String(error)}`));
  };

  aedes.on('clientReady', (client) => {
    const connection = connections.get(client);
    if (!connection?.session || stopping || !hasLifecycleEvents(client.id)) return;
    connection.connectedEventSent = true;
    publishLifecycle(presenceTopic('connected', client.id), connectedEvent(connection.session, Date.now()));
  });
  aedes.on('keepaliveTimeout', (client) => connections.endWith(client, 'MQTT_KEEP_ALIVE_TIMEOUT'));
  aedes.on('clientError', (client, error: NodeJS.ErrnoException) => connections.endWith(client, error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'CONNECTION_LOST' : 'CLIENT_ERROR'));
  aedes.on('clientDisconnect', (client) => {
    connections.clearTimers(client);
    const connection = connections.get(client);
    if (!connection?.session || !connection.connectedEventSent || stopping) return;
    publishLifecycle(presenceTopic('disconnected', client.id), disconnectedEvent(connection.session, connections.finalReason(client), Date.now()));
  });
  // Persistence errors arrive here; an unhandled 'error' event would end the process.
  (aedes as EventEmitter).on('error', (error: Error) => options.log(`MQTT broker error: ${error.message}`));

  for (const message of options.retained.list()) {
    await internals.persistence.storeRetained({ cmd: 'publish', topic: message.topic, payload: message.payload, qos: message.qos, retain: true });
  }

  let server: net.Server | null = null;
  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const listening = net.createServer((socket) => aedes.handle(socket));
        listening.once('error', reject);
        listening.listen(port, host, () => {
          server = listening;
          resolve(listening);
        });
      });
    },
    publish,
    deleteConnection(clientId, { cleanSession = false, preventWillMessage = false }) {
      const client = internals.clients[clientId];
      if (!client) return false;
      connections.endWith(client, 'API_INITIATED_DISCONNECT');
      if (preventWillMessage) connections.dropWill(client);
      const clean = cleanSession && !client.clean;
      client.close(() => {
        if (clean) internals.persistence.cleanSubscriptions({ id: clientId }).catch(() => undefined);
      });
      return true;
    },
    connectedClients: () => Object.keys(internals.clients).length,
    stopListening() {
      const closing = server;
      server = null;
      for (const client of Object.values(internals.clients)) client.conn.destroy();
      return new Promise((resolve) => {
        if (!closing) return resolve();
        closing.close(() => resolve());
      });
    },
    close() {
      stopping = true;
      options.retained.flush();
      return new Promise((resolve) => {
        server?.close();
        aedes.close(() => resolve());
      });
    },
  };
}
