// Starts the local IoT twin for a test on loopback ports: a temporary `services/iot/serverless.yml`, a fake
// Lambda invoke API with the given function handlers, and the twin reading the one from the other.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startIotTwin, type IotTwinOptions, type IotTwin } from '../../platform/iot';
import type { ServiceDefinition } from '../../platform/service-definitions';
import { startFakeLambdaApi, type FakeHandler, type FakeLambdaApi } from './fake-lambda-api';

export interface TestTwin {
  twin: IotTwin;
  lambda: FakeLambdaApi;
  /** The test service, its serverless.yml in a temporary services/iot, its Lambda port the fake's. */
  service: ServiceDefinition;
  log: string[];
  /** A device connected with the test authorizer's credentials (password `pw-<thingId>`) unless overridden. */
  connect(thingId: string, options?: mqtt.IClientOptions): Promise<MqttClient>;
  stop(): Promise<void>;
}

/** The deployed-style local name of a function of the test service. */
export const fn = (name: string) => `photonotes-iot-local-${name}`;

export async function startTestTwin(serverlessYml: string, handlers: Record<string, FakeHandler>, options: Partial<IotTwinOptions> = {}): Promise<TestTwin> {
  const root = mkdtempSync(path.join(tmpdir(), 'iot-twin-'));
  const dir = path.join(root, 'services', 'iot');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'serverless.yml'), serverlessYml);
  const lambda = await startFakeLambdaApi(handlers);
  const service: ServiceDefinition = { name: 'iot', serviceName: 'photonotes-iot', dir, httpPort: 0, lambdaPort: lambda.port, websocketPort: null, routes: [], cognitoTriggers: {}, topics: [] };
  const log: string[] = [];
  const twin = await startIotTwin({
    services: [service],
    ports: { mqtt: 0, iotData: 0 },
    host: '127.0.0.1',
    publicHost: 'localhost',
    region: 'us-east-1',
    accountId: '000000000000',
    dataDir: null,
    log: (text) => log.push(text),
    ...options,
  });
  if (!twin) throw new Error('the twin did not start: the test service declares no IoT');
  const clients: MqttClient[] = [];
  return {
    twin,
    lambda,
    service,
    log,
    async connect(thingId, clientOptions = {}) {
      const url = twin.mqttUrl.replace('localhost', '127.0.0.1');
      const client = await mqtt.connectAsync(url, { clientId: thingId, username: thingId, password: `pw-${thingId}`, reconnectPeriod: 0, ...clientOptions });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
      await twin.stop();
      await lambda.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function eventually<T>(read: () => T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves when the client's connection has closed. */
export const closed = (client: MqttClient) => new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
