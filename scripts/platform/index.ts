// Starts the whole backend locally: emulators, every service under serverless-offline, and the
// gateway. Used by `npm run dev` and by the integration tests' global setup, so both run the same thing.
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createDeclaredTopics, startCognitoLocal, startDynamoDbLocal, startSnsServer, localAccountId, localCredentials, localRegion, quietSdkEnv, type CognitoLocal, type SnsEmulator } from './emulators';
import { createDelivery, type DeliveryLayer } from './delivery';
import { createFaultControl, type FaultControl } from './faults';
import { startGateway } from './gateway';
import { iotEnvironment, startIotTwin, type IotTwin } from './iot';
import { assertPortsFree, canConnect, waitFor } from './net';
import { emulatorPorts as portsAt } from '../config/ports.cjs';
import { assertJavaAvailable } from './java';
import type { TerminalMode } from './log-filter';
import { createLogSink, ProcessGroup } from './processes';
import { watchForReloads, type ReloadWatcher } from './reload-watch';
import { warmCognitoTriggers } from './warm-triggers';
import { localLambdaInvoker } from './delivery/lambda-invoke';
import { loadServiceDefinitions, repoRoot, type ServiceDefinition } from './service-definitions';
import type { WebAppMode } from './web-app';

export interface PlatformOptions {
  /** Gateway port; `PORT` in `npm run dev`. */
  port: number;
  /** Interface the gateway binds to; 0.0.0.0 lets a phone on the LAN reach it. */
  host: string;
  /** The address apps use in URLs the API hands out (presigned uploads, thumbnails); the LAN address in LAN mode. */
  publicHost?: string;
  /** Shifts every service port (scripts/config/ports.cjs); the test platform uses one to run beside `npm run dev`. */
  portOffset?: number;
  /** Where emulator data lives between runs; null keeps everything in memory / a temp dir. */
  dataDir: string | null;
  /** Every child's output, always. */
  logFile: string;
  /** What the terminal shows of it (default: nothing). */
  terminal?: TerminalMode | 'none';
  logLevel: string;
  emulatorPorts: { dynamodb: number; sns: number; s3: number; cognito: number; sqs: number };
  /** Called as each emulator and service becomes ready, with the time since start. */
  onReady?: (component: string, elapsedMs: number) => void;
  /** Rebuild-and-reload on source edits (npm run dev); tests run what they started with. */
  watch?: boolean;
  /** Called when a service picked up an edit. */
  onReload?: (service: string, changed: string) => void;
  /** Aborting it while the platform starts stops what has started; then `onAborted` is called. */
  signal?: AbortSignal;
  onAborted?: () => void;
  /** The resilience suite's fault drills (scripts/platform/faults.ts); never in `npm run dev`. */
  faultDrills?: boolean;
  /**
   * The web app at /app: `dev` runs Vite's dev server (hot reloading) as a child on the `web` port; `static` serves
   * clients/web/dist (npm run build:web); none leaves /app a 404.
   */
  web?: 'dev' | 'static';
}

export interface Platform {
  baseUrl: string;
  services: ServiceDefinition[];
  cognito: CognitoLocal;
  /** Where emulator data, stream checkpoints and dead letters live (a temp dir when `dataDir` is null). */
  dataDir: string;
  delivery: DeliveryLayer;
  /** The local AWS IoT Core broker devices connect to; null when no service declares IoT. */
  mqttUrl: string | null;
  env: Record<string, string>;
  readyInMs: number;
  /** Takes components down and up again on purpose; null unless started with `faultDrills`. */
  faults: FaultControl | null;
  stop(): Promise<void>;
}

/** The emulators' ports with no offset: what `npm run dev` uses unless told otherwise. */
export const defaultEmulatorPorts = portsAt(0);

/** Every port the platform would take with this offset, named for error messages. */
export function platformPorts(offset: number): Array<{ port: number; owner: string }> {
  const emulators = portsAt(offset);
  return [
    { port: emulators.gateway, owner: 'gateway' },
    { port: emulators.dynamodb, owner: 'DynamoDB Local' },
    { port: emulators.sns, owner: 'SNS emulator' },
    { port: emulators.s3, owner: 'S3 emulator' },
    { port: emulators.sqs, owner: 'SQS emulator' },
    { port: emulators.cognito, owner: 'cognito-local' },
    { port: emulators.mqtt, owner: 'MQTT broker' },
    { port: emulators.iotData, owner: 'IoT data plane' },
    { port: emulators.web, owner: 'web app dev server' },
    ...loadServiceDefinitions(repoRoot, offset).flatMap((s) => [
      { port: s.httpPort, owner: `${s.name} http` },
      { port: s.lambdaPort, owner: `${s.name} lambda` },
      ...(s.websocketPort === null ? [] : [{ port: s.websocketPort, owner: `${s.name} websocket` }]),
    ]),
  ];
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const startedAt = Date.now();
  const ready = (component: string) => options.onReady?.(component, Date.now() - startedAt);
  const portOffset = options.portOffset ?? 0;
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createLogSink({ file: options.logFile, terminal: options.terminal ?? 'none' });
  const services = loadServiceDefinitions(repoRoot, portOffset);
  const { emulatorPorts } = options;
  await assertJavaAvailable();
  await assertPortsFree([
    { port: options.port, owner: 'gateway' },
    { port: emulatorPorts.dynamodb, owner: 'DynamoDB Local' },
    { port: emulatorPorts.sns, owner: 'SNS emulator' },
    { port: emulatorPorts.s3, owner: 'S3 emulator' },
    { port: emulatorPorts.sqs, owner: 'SQS emulator' },
    { port: emulatorPorts.cognito, owner: 'cognito-local' },
    { port: portsAt(portOffset).mqtt, owner: 'MQTT broker' },
    { port: portsAt(portOffset).iotData, owner: 'IoT data plane' },
    ...(options.web === 'dev' ? [{ port: portsAt(portOffset).web, owner: 'web app dev server' }] : []),
    ...services.flatMap((s) => [
      { port: s.httpPort, owner: `${s.name} http` },
      { port: s.lambdaPort, owner: `${s.name} lambda` },
      ...(s.websocketPort === null ? [] : [{ port: s.websocketPort, owner: `${s.name} websocket` }]),
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
  let snsServer: SnsEmulator | null = null;
  let gateway: Server | null = null;
  let reloads: ReloadWatcher | null = null;
  const publicHost = options.publicHost ?? 'localhost';
  const lanMode = publicHost !== 'localhost' && publicHost !== '127.0.0.1';
  // LAN mode: the S3 emulator listens on every interface, so a phone can use the presigned URLs.
  const delivery = createDelivery({ services, dataDir, ports: emulatorPorts, s3Address: lanMode ? '0.0.0.0' : process.env.S3_BIND_ADDRESS, log: (text) => log.line('delivery', text) });
  let iot: IotTwin | null = null;

  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= stopEverything());
  const stopEverything = async () => {
    reloads?.close();
    await delivery.stop();
    gateway?.closeAllConnections();
    gateway?.close();
    snsServer?.close();
    await iot?.stop();
    await group.stopAll();
    if (ephemeralDir) rmSync(ephemeralDir, { recursive: true, force: true });
    log.close();
  };
  const killOnExit = () => group.killAllNow();
  process.once('exit', killOnExit);
  const abort = () => void stop().then(() => options.onAborted?.());
  options.signal?.addEventListener('abort', abort, { once: true });

  const web: WebAppMode | undefined =
    options.web === 'dev' ? { mode: 'dev', port: portsAt(portOffset).web } : options.web === 'static' ? { mode: 'static', dir: path.join(repoRoot, 'clients/web/dist') } : undefined;

  const startDynamoDb = () => startDynamoDbLocal(group, { port: emulatorPorts.dynamodb, dataDir: options.dataDir ? path.join(dataDir, 'dynamodb') : null });
  let startService: (service: ServiceDefinition) => Promise<void> = () => Promise.reject(new Error('the platform has not started yet'));

  try {
    const users = services.find((s) => s.name === 'users');
    if (!users) throw new Error('serverless-compose.yml has no users service');
    const [, sns, cognito] = await Promise.all([
      startDynamoDb().then(() => ready('DynamoDB Local')),
      startSnsServer(emulatorPorts.sns).then((server) => {
        ready('SNS emulator');
        return server;
      }),
      startCognitoLocal(group, { port: emulatorPorts.cognito, dataDir: path.join(dataDir, 'cognito'), users }).then((result) => {
        ready('cognito-local');
        return result;
      }),
      delivery.startStorage(),
    ]);
    snsServer = sns;
    await createDeclaredTopics(emulatorPorts.sns, services);
    log.line('platform', `emulators ready in ${Date.now() - startedAt} ms`);

    const baseUrl = `http://${publicHost}:${options.port}`;
    // AWS IoT Core's local twin (scripts/platform/iot): broker, rules engine, data plane, in this process.
    // Rule targets' failures go to the delivery layer's dead-letter store, where `npm run redrive` finds them.
    iot = await startIotTwin({ services, ports: portsAt(portOffset), host: options.host, publicHost, region: localRegion, accountId: localAccountId, dataDir: options.dataDir, deadLetters: delivery.deadLetters, log: (text) => log.line('iot', text) });
    if (iot) ready('MQTT broker');
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_REGION: localRegion,
      ...quietSdkEnv,
      NODE_NO_WARNINGS: '1',
      PHOTONOTES_PORT_OFFSET: String(portOffset),
      // esbuild (Go) keeps its service process alive for rebuilds and would hold ~600 MB per service;
      // a soft memory limit makes its garbage collector hand memory back.
      GOMEMLIMIT: '256MiB',
      // Services build in turns, two at a time (scripts/serverless/esbuild-on-demand.cjs).
      PHOTONOTES_BUILD_SLOTS_DIR: path.join(dataDir, 'build-slots'),
      // The delivery layer runs `schedule` events, not serverless-offline (scripts/serverless/platform-schedules.cjs).
      PHOTONOTES_PLATFORM_SCHEDULES: '1',
      // Each service's process and every handler's worker thread in it: V8's young generation may grow to 3 x 16 MB
      // per isolate by default, and a service runs one isolate per function it has invoked. 2 MB semi-spaces cost a
      // few more scavenges and save ~350 MB over six services after \`npm run seed\` (bench/dev-startup.ts).
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-semi-space-size=2'].filter(Boolean).join(' '),
      LOG_LEVEL: options.logLevel,
      DYNAMODB_PORT: String(emulatorPorts.dynamodb),
      SNS_PORT: String(emulatorPorts.sns),
      S3_PORT: String(emulatorPorts.s3),
      SQS_PORT: String(emulatorPorts.sqs),
      S3_DIR: path.join(dataDir, 's3'),
      COGNITO_PORT: String(emulatorPorts.cognito),
      COGNITO_USER_POOL_ID: cognito.userPoolId,
      COGNITO_CLIENT_ID: cognito.clientId,
      MAIL_OUTBOX_FILE: cognito.mailOutboxFile,
      GATEWAY_URL: baseUrl,
      ...iotEnvironment(portsAt(portOffset), publicHost),
      // LAN mode: presigned URLs name this machine's address.
      ...(lanMode ? { S3_PUBLIC_HOST: publicHost } : {}),
    };
    mkdirSync(env.S3_DIR as string, { recursive: true });
    rmSync(env.PHOTONOTES_BUILD_SLOTS_DIR as string, { recursive: true, force: true });

    const slsBin = path.join(repoRoot, 'node_modules', 'serverless', 'bin', 'serverless.js');
    // Every service at once: none needs another to be up (the platform delivers stream, SNS and S3 events itself,
    // and starts delivering only once every service is ready).
    startService = async (service) => {
      const proc = group.start(service.name, process.execPath, [slsBin, 'offline', 'start', '--stage', 'local'], { cwd: service.dir, env });
      await waitFor(`${service.name} (serverless-offline on ${service.httpPort})`, () => canConnect(service.httpPort), 120_000, () => failure !== null || proc.child.exitCode !== null);
    };
    await Promise.all(
      services.map(async (service) => {
        await startService(service);
        ready(service.name);
      }),
    );
    // Sign-ups reach the Cognito triggers only once the gateway is up: their workers are loaded by then.
    const triggerInvoker = localLambdaInvoker([users]);
    try {
      const ms = await warmCognitoTriggers(users, triggerInvoker.invoke, { userPoolId: cognito.userPoolId, log: (text) => log.line('platform', text) });
      log.line('platform', `Cognito triggers loaded in ${ms} ms`);
    } finally {
      triggerInvoker.destroy();
    }

    await delivery.start();
    gateway = await startGateway({
      ...(web ? { web } : {}),
      port: options.port,
      host: options.host,
      services,
      fallbackHealth: async () => {
        const body = await probeServices(services);
        if (iot) body.services.mqtt = iot.health();
        return { status: 503, body };
      },
    });
    ready('gateway');
    // Vite starts once the API is up, so it takes no CPU from the services' start-up; until it listens (about a
    // second) /app answers 503 "starting".
    if (web?.mode === 'dev') {
      void startWebDevServer(group, web.port, options.port).then(
        () => ready('web app'),
        (error: unknown) => log.line('platform', `web app dev server did not start: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    if (options.watch) {
      reloads = watchForReloads(services, (service, changed) => {
        log.line('platform', `${service} reloaded (${changed})`);
        options.onReload?.(service, changed);
      });
    }
    options.signal?.removeEventListener('abort', abort);
    if (options.signal?.aborted) throw new Error('stopped while starting');
    const snsEmulator = snsServer;
    const twin = iot;
    const faults = options.faultDrills
      ? createFaultControl({
          services: services.map((s) => s.name),
          stopProcess: (name) => group.stopOne(name),
          startDynamoDb,
          startService: async (name) => {
            const service = services.find((s) => s.name === name);
            if (!service) throw new Error(`no service named ${name}`);
            await startService(service);
          },
          sns: snsEmulator,
          mqtt: twin,
        })
      : null;
    return { baseUrl, services, cognito, dataDir, delivery, mqttUrl: iot?.mqttUrl ?? null, env, readyInMs: Date.now() - startedAt, faults, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Vite's dev server for clients/web on `port`, its hot-reload socket reached through the gateway's port. */
async function startWebDevServer(group: ProcessGroup, port: number, gatewayPort: number): Promise<void> {
  const vite = path.join(repoRoot, 'node_modules/vite/bin/vite.js');
  const env = { ...process.env, PHOTONOTES_HMR_PORT: String(gatewayPort), PHOTONOTES_API_URL: '' };
  const child = group.start('web', process.execPath, [vite, path.join(repoRoot, 'clients/web'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: repoRoot, env });
  let exited = false;
  void child.exited.then(() => (exited = true));
  await waitFor('the web app dev server', () => canConnect(port), 20_000, () => exited);
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
