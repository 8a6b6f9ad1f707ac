// Starts the whole backend locally: emulators, every service under serverless-offline, and the
// gateway. Used by `npm run dev` and by the integration tests' global setup, so both run the same thing.
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createDeclaredTopics, startCognitoLocal, startDynamoDbLocal, startSnsServer, localCredentials, localRegion, type CognitoLocal } from './emulators';
import { createDelivery, type DeliveryLayer } from './delivery';
import { startGateway } from './gateway';
import { assertPortsFree, canConnect, waitFor } from './net';
import { createLogSink, ProcessGroup } from './processes';
import { loadServiceDefinitions, repoRoot, startWaves, type ServiceDefinition } from './service-definitions';

export interface PlatformOptions {
  /** Gateway port; `PORT` in `npm run dev`. */
  port: number;
  /** Interface the gateway binds to; 0.0.0.0 lets a phone on the LAN reach it. */
  host: string;
  /** Where emulator data lives between runs; null keeps everything in memory / a temp dir. */
  dataDir: string | null;
  /** Child output goes here instead of the terminal. */
  logFile?: string;
  logLevel: string;
  emulatorPorts: { dynamodb: number; sns: number; s3: number; cognito: number };
}

export interface Platform {
  baseUrl: string;
  services: ServiceDefinition[];
  cognito: CognitoLocal;
  /** Where emulator data, stream checkpoints and dead letters live (a temp dir when `dataDir` is null). */
  dataDir: string;
  delivery: DeliveryLayer;
  env: Record<string, string>;
  readyInMs: number;
  stop(): Promise<void>;
}

export const defaultEmulatorPorts = { dynamodb: 8000, sns: 4002, s3: 4569, cognito: 9229 };

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const startedAt = Date.now();
  const log = createLogSink(options.logFile);
  const services = loadServiceDefinitions();
  const { emulatorPorts } = options;
  await assertPortsFree([
    { port: options.port, owner: 'gateway' },
    { port: emulatorPorts.dynamodb, owner: 'DynamoDB Local' },
    { port: emulatorPorts.sns, owner: 'SNS emulator' },
    { port: emulatorPorts.s3, owner: 'S3 emulator' },
    { port: emulatorPorts.cognito, owner: 'cognito-local' },
    ...services.flatMap((s) => [
      { port: s.httpPort, owner: `${s.name} http` },
      { port: s.lambdaPort, owner: `${s.name} lambda` },
    ]),
  ]);

  let failure: Error | null = null;
  const group = new ProcessGroup(log, (name, code) => {
    failure = new Error(`${name} exited unexpectedly (code ${code})`);
    log.line('platform', failure.message);
  });
  const ephemeralDir = options.dataDir ? null : path.join(os.tmpdir(), `photonotes-${process.pid}-${Date.now()}`);
  const dataDir = options.dataDir ?? (ephemeralDir as string);
  mkdirSync(dataDir, { recursive: true });
  let snsServer: Server | null = null;
  let gateway: Server | null = null;
  const delivery = createDelivery({ services, dataDir, ports: emulatorPorts, s3Address: process.env.S3_BIND_ADDRESS, log: (text) => log.line('delivery', text) });

  const stop = async () => {
    await delivery.stop();
    gateway?.closeAllConnections();
    gateway?.close();
    snsServer?.closeAllConnections();
    snsServer?.close();
    await group.stopAll();
    if (ephemeralDir) rmSync(ephemeralDir, { recursive: true, force: true });
    log.close();
  };
  const killOnExit = () => group.killAllNow();
  process.once('exit', killOnExit);

  try {
    const users = services.find((s) => s.name === 'users');
    if (!users) throw new Error('serverless-compose.yml has no users service');
    const [, sns, cognito] = await Promise.all([
      startDynamoDbLocal(group, { port: emulatorPorts.dynamodb, dataDir: options.dataDir ? path.join(dataDir, 'dynamodb') : null }),
      startSnsServer(emulatorPorts.sns),
      startCognitoLocal(group, { port: emulatorPorts.cognito, dataDir: path.join(dataDir, 'cognito'), users }),
      delivery.startStorage(),
    ]);
    snsServer = sns;
    await createDeclaredTopics(emulatorPorts.sns, services);
    log.line('platform', `emulators ready in ${Date.now() - startedAt} ms`);

    const baseUrl = `http://localhost:${options.port}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_REGION: localRegion,
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      NODE_NO_WARNINGS: '1',
      // esbuild (Go) keeps its service process alive for rebuilds and would hold ~600 MB per service;
      // a soft memory limit makes its garbage collector hand memory back.
      GOMEMLIMIT: '256MiB',
      LOG_LEVEL: options.logLevel,
      DYNAMODB_PORT: String(emulatorPorts.dynamodb),
      SNS_PORT: String(emulatorPorts.sns),
      S3_PORT: String(emulatorPorts.s3),
      S3_DIR: path.join(dataDir, 's3'),
      COGNITO_PORT: String(emulatorPorts.cognito),
      COGNITO_USER_POOL_ID: cognito.userPoolId,
      COGNITO_CLIENT_ID: cognito.clientId,
      GATEWAY_URL: baseUrl,
    };
    mkdirSync(env.S3_DIR as string, { recursive: true });

    const slsBin = path.join(repoRoot, 'node_modules', 'serverless', 'bin', 'serverless.js');
    for (const wave of startWaves(services)) {
      await Promise.all(
        wave.map(async (service) => {
          const proc = group.start(service.name, process.execPath, [slsBin, 'offline', 'start', '--stage', 'local'], { cwd: service.dir, env });
          await waitFor(`${service.name} (serverless-offline on ${service.httpPort})`, () => canConnect(service.httpPort), 120_000, () => failure !== null || proc.child.exitCode !== null);
        }),
      );
    }

    await delivery.start();
    gateway = await startGateway({
      port: options.port,
      host: options.host,
      services,
      fallbackHealth: async () => ({ status: 503, body: await probeServices(services) }),
    });
    return { baseUrl, services, cognito, dataDir, delivery, env, readyInMs: Date.now() - startedAt, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Each service's own health route, asked directly: used only when the aggregate route is unreachable. */
async function probeServices(services: ServiceDefinition[]): Promise<{ status: string; services: Record<string, string> }> {
  const results = await Promise.all(
    services.map(async (service) => {
      try {
        const res = await fetch(`http://127.0.0.1:${service.httpPort}/health/${service.name}`, { signal: AbortSignal.timeout(2000) });
        return [service.name, res.ok ? 'ok' : 'down'] as const;
      } catch {
        return [service.name, 'down'] as const;
      }
    }),
  );
  return { status: 'unavailable', services: Object.fromEntries(results) };
}
