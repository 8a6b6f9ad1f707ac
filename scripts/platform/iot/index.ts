// The local twin of AWS IoT Core, inside the platform's own process: an MQTT broker with the custom authorizer's
// hooks (broker.ts), the rules engine that feeds `iot` events to functions (rules-engine.ts), lifecycle events
// (presence.ts) and a data-plane endpoint for @aws-sdk/client-iot-data-plane (data-plane.ts). What it serves
// comes from the services' serverless.yml files (definitions.ts); nothing starts when no service declares IoT.
import type http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { createIotBroker, type IotBroker } from './broker';
import { startDataPlane } from './data-plane';
import { loadIotDefinitions, type IotDefinitions } from './definitions';
import { invokeLambda, type Invoke } from './lambda-invoke';
import { createRulesEngine, type RulesEngine } from './rules-engine';
import { RetainedMessages } from './retained';
import type { DeadLetterStore } from '../delivery/dead-letters';
import type { ServiceDefinition } from '../service-definitions';

export interface IotTwinOptions {
  services: ServiceDefinition[];
  ports: { mqtt: number; iotData: number };
  /** The broker's interface: 0.0.0.0 in LAN mode, so devices on the network reach it. The data plane stays on loopback. */
  host: string;
  /** The address devices use (credentials' mqttUrl): the LAN address in LAN mode. */
  publicHost: string;
  region: string;
  accountId: string;
  /** Where retained messages survive restarts; null keeps them in memory. */
  dataDir: string | null;
  log(text: string): void;
  /** Where rule targets' given-up events are kept: the delivery layer's dead-letter store (README: Failures and redrive). */
  deadLetters?: Pick<DeadLetterStore, 'put'>;
  /** Tests: a stand-in for serverless-offline's invoke API, shorter retry delays. */
  invoke?: Invoke;
  retryDelaysMs?: number[];
  msPerSecond?: number;
}

export interface IotTwin {
  /** What devices connect to: `mqtt://<publicHost>:<port>`. */
  mqttUrl: string;
  dataPlaneUrl: string;
  /** For the services: where the data plane and the broker are (README.md here). */
  env: Record<string, string>;
  definitions: IotDefinitions;
  broker: IotBroker;
  rules: RulesEngine;
  health(): 'ok' | 'down';
  /** Fault drills: the broker stops listening and drops its clients (sessions kept), then listens again. */
  stopBroker(): Promise<void>;
  startBroker(): Promise<void>;
  stop(): Promise<void>;
}

/** The services' environment for the twin; the same values whether or not it runs, as ports are fixed. */
export function iotEnvironment(ports: { mqtt: number; iotData: number }, publicHost: string): Record<string, string> {
  return {
    MQTT_PORT: String(ports.mqtt),
    IOT_DATA_PORT: String(ports.iotData),
    IOT_DATA_ENDPOINT: `http://127.0.0.1:${ports.iotData}`,
    IOT_MQTT_URL: `mqtt://${publicHost}:${ports.mqtt}`,
  };
}

export async function startIotTwin(options: IotTwinOptions): Promise<IotTwin | null> {
  const definitions = loadIotDefinitions(options.services);
  if (definitions.authorizers.length === 0 && definitions.rules.length === 0) return null;
  const [authorizer = null] = definitions.authorizers;
  if (!authorizer) options.log('no service declares an AWS::IoT::Authorizer: every MQTT connection will be refused');
  const invoke = options.invoke ?? invokeLambda;
  const retained = new RetainedMessages(options.dataDir ? path.join(options.dataDir, 'iot', 'retained-messages.json') : null);
  const rules = createRulesEngine({
    rules: definitions.rules,
    invoke,
    log: options.log,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    ...(options.deadLetters ? { deadLetters: options.deadLetters } : {}),
  });
  const broker = await createIotBroker({ authorizer, invoke, region: options.region, accountId: options.accountId, retained, onMessage: rules.onMessage, log: options.log, ...(options.msPerSecond ? { msPerSecond: options.msPerSecond } : {}) });
  let mqttServer: net.Server | null = null;
  let dataPlane: http.Server | null = null;
  const health = (): 'ok' | 'down' => (mqttServer?.listening && dataPlane?.listening ? 'ok' : 'down');
  const stop = async () => {
    rules.stop();
    dataPlane?.closeAllConnections();
    dataPlane?.close();
    await broker.close();
  };
  try {
    mqttServer = await broker.listen(options.ports.mqtt, options.host);
    dataPlane = await startDataPlane({ broker, retained, health: () => ({ status: health(), connectedClients: broker.connectedClients(), rules: rules.stats() }) }, options.ports.iotData);
  } catch (error) {
    await stop();
    throw error;
  }
  const env = iotEnvironment({ mqtt: addressPort(mqttServer), iotData: addressPort(dataPlane) }, options.publicHost);
  options.log(`MQTT broker on ${env.IOT_MQTT_URL} (authorizer: ${authorizer?.target.functionName ?? 'none'}; ${definitions.rules.length} topic rule(s)); data plane on ${env.IOT_DATA_ENDPOINT}`);
  const brokerPort = addressPort(mqttServer);
  const stopBroker = async () => {
    mqttServer = null;
    await broker.stopListening();
  };
  const startBroker = async () => {
    if (!mqttServer?.listening) mqttServer = await broker.listen(brokerPort, options.host);
  };
  return { mqttUrl: env.IOT_MQTT_URL as string, dataPlaneUrl: env.IOT_DATA_ENDPOINT as string, env, definitions, broker, rules, health, stopBroker, startBroker, stop };
}

/** The port actually bound (tests ask for port 0). */
function addressPort(server: net.Server | http.Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
