// Boots the local platform once for the whole integration run (emulators, every service, gateway),
// with in-memory data so every run starts clean. The same code path as `npm run dev`, on its own ports
// (an offset range, see scripts/config/ports.cjs), so `npm test` runs while `npm run dev` is up.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { emulatorPorts } from '../../scripts/config/ports.cjs';
import { platformPorts, startPlatform, type Platform } from '../../scripts/platform';
import { isPortFree } from '../../scripts/platform/net';
import { repoRoot } from '../../scripts/platform/service-definitions';

declare global {
  var __PLATFORM__: Platform | undefined;
}

/** Offsets tried in turn; all of them keep every port below Linux's ephemeral range (32768+). */
const candidateOffsets = [20_000, 10_000, 21_000, 11_000, 22_000, 12_000];

async function allFree(offset: number): Promise<boolean> {
  for (const { port } of platformPorts(offset)) if (!(await isPortFree(port))) return false;
  return true;
}

/** TEST_PORT_OFFSET pins the offset; otherwise the first one whose ports are all free. */
export async function choosePortOffset(): Promise<number> {
  const pinned = process.env.TEST_PORT_OFFSET;
  if (pinned !== undefined && pinned !== '') return Number(pinned);
  for (const offset of candidateOffsets) if (await allFree(offset)) return offset;
  throw new Error(`No free port range for the test platform (tried offsets ${candidateOffsets.join(', ')}); is another test run still up?`);
}

// Integration runs log at info, so a request's journey (access lines, the consumers' per-record lines) is in the log
// for test/integration/request-journey.test.ts and for whoever reads a failed run's log; LOG_LEVEL overrides it.
export default async function globalSetup(): Promise<void> {
  await startTestPlatform({ dataDir: null, logLevel: 'info' });
}

/**
 * Starts the platform for a test run and hands its addresses to test files through the environment. `dataDir` null
 * keeps emulator data in memory (integration); the resilience suite passes a directory, so DynamoDB Local persists
 * and can be restarted mid-run.
 */
export async function startTestPlatform(options: { dataDir: string | null; name?: string; faultDrills?: boolean; logLevel?: string }): Promise<Platform> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const logFile = path.join(repoRoot, '.local', 'logs', `${options.name ?? 'test-platform'}-${process.pid}.log`);
  const offset = await choosePortOffset();
  const ports = emulatorPorts(offset);
  try {
    globalThis.__PLATFORM__ = await startPlatform({
      port: ports.gateway,
      host: '127.0.0.1',
      portOffset: offset,
      dataDir: options.dataDir,
      logFile,
      logLevel: process.env.LOG_LEVEL ?? options.logLevel ?? 'warn',
      emulatorPorts: ports,
      faultDrills: options.faultDrills ?? false,
      web: 'static',
    });
  } catch (error) {
    let tail = '';
    try {
      tail = readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n');
    } catch {
      // no log yet
    }
    throw new Error(`Local platform failed to start: ${error instanceof Error ? error.message : String(error)}\n--- last platform log lines ---\n${tail}`);
  }
  const platform = globalThis.__PLATFORM__;
  console.log(
    `\nTest platform on ${platform.baseUrl} (port offset ${offset}: DynamoDB :${ports.dynamodb}, S3 :${ports.s3}, SNS :${ports.sns}, cognito :${ports.cognito}, ` +
      `services ${platform.services.map((s) => `${s.name} :${s.httpPort}`).join(', ')}); log ${path.relative(repoRoot, logFile)}`,
  );
  // Test files run in workers: hand them what they need through the environment.
  process.env.API_BASE_URL = platform.baseUrl;
  process.env.TEST_COGNITO_ISSUER = platform.cognito.issuer;
  process.env.TEST_COGNITO_CLIENT_ID = platform.cognito.clientId;
  process.env.TEST_COGNITO_USER_POOL_ID = platform.cognito.userPoolId;
  process.env.DYNAMODB_PORT = String(ports.dynamodb);
  process.env.S3_PORT = String(ports.s3);
  process.env.SNS_PORT = String(ports.sns);
  process.env.SQS_PORT = String(ports.sqs);
  process.env.COGNITO_PORT = String(ports.cognito);
  // The IoT twin's broker (devices) and data plane.
  process.env.MQTT_PORT = String(ports.mqtt);
  process.env.IOT_DATA_PORT = String(ports.iotData);
  process.env.PHOTONOTES_PORT_OFFSET = String(offset);
  process.env.TEST_PLATFORM_DATA_DIR = platform.dataDir;
  // Every service's log lines: tests that check what a service counts only in its log read them here.
  process.env.TEST_PLATFORM_LOG_FILE = logFile;
  return platform;
}
