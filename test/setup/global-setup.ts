// Boots the local platform once for the whole integration run (emulators, every service, gateway),
// with in-memory data so every run starts clean. The same code path as `npm run dev`.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultEmulatorPorts, startPlatform, type Platform } from '../../scripts/platform';
import { repoRoot } from '../../scripts/platform/service-definitions';

declare global {
  var __PLATFORM__: Platform | undefined;
}

export const testPort = Number(process.env.TEST_GATEWAY_PORT ?? 3000);

export default async function globalSetup(): Promise<void> {
  const logDir = path.join(repoRoot, '.local', 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'test-platform.log');
  try {
    globalThis.__PLATFORM__ = await startPlatform({
      port: testPort,
      host: '127.0.0.1',
      dataDir: null,
      logFile,
      logLevel: process.env.LOG_LEVEL ?? 'warn',
      emulatorPorts: defaultEmulatorPorts,
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
  // Test files run in workers: hand them what they need through the environment.
  process.env.API_BASE_URL = globalThis.__PLATFORM__.baseUrl;
  process.env.TEST_COGNITO_ISSUER = globalThis.__PLATFORM__.cognito.issuer;
  process.env.TEST_COGNITO_CLIENT_ID = globalThis.__PLATFORM__.cognito.clientId;
  process.env.TEST_COGNITO_USER_POOL_ID = globalThis.__PLATFORM__.cognito.userPoolId;
  process.env.TEST_PLATFORM_DATA_DIR = globalThis.__PLATFORM__.dataDir;
}
