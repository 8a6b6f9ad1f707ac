// `npm run dev`: the whole backend on http://localhost:3000 with embedded emulators.
// Ctrl-C (or SIGTERM) stops every child and frees every port.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultEmulatorPorts, startPlatform } from './platform';
import { repoRoot } from './platform/service-definitions';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  // Optional local overrides (see .env.example); real environment variables win.
  const envFile = path.join(repoRoot, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const platform = await startPlatform({
    port: intFromEnv('PORT', 3000),
    host: process.env.HOST ?? '127.0.0.1',
    dataDir: process.env.DEV_DATA_DIR ?? path.join(repoRoot, '.local'),
    logLevel: process.env.LOG_LEVEL ?? 'info',
    emulatorPorts: {
      dynamodb: intFromEnv('DYNAMODB_PORT', defaultEmulatorPorts.dynamodb),
      sns: intFromEnv('SNS_PORT', defaultEmulatorPorts.sns),
      s3: intFromEnv('S3_PORT', defaultEmulatorPorts.s3),
      cognito: intFromEnv('COGNITO_PORT', defaultEmulatorPorts.cognito),
    },
  });

  const lines = [
    '',
    `  PhotoNotes backend ready in ${(platform.readyInMs / 1000).toFixed(1)} s`,
    `  API          ${platform.baseUrl}   (try ${platform.baseUrl}/health)`,
    ...platform.services.map((s) => `  ${s.name.padEnd(13)}http://127.0.0.1:${s.httpPort}  (lambda API :${s.lambdaPort})`),
    `  cognito      ${platform.cognito.issuer}  client ${platform.cognito.clientId}`,
    `  emulators    DynamoDB :${platform.env.DYNAMODB_PORT}  S3 :${platform.env.S3_PORT}  SNS :${platform.env.SNS_PORT}`,
    '  Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping every service and emulator...`);
    void platform.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`npm run dev failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
