// `npm run dev`: the whole backend on http://localhost:3000 with embedded emulators.
// One line per emulator and service as it becomes ready, then a banner; everything the children print goes to
// .local/logs/dev.log (and to the terminal with --verbose). Ctrl-C (or SIGTERM) stops every child and frees
// every port. Flags: --verbose, --seed (demo data once ready, see scripts/seed.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { emulatorPorts, portOffset } from './config/ports.cjs';
import { startPlatform, type Platform } from './platform';
import { lanAddress } from './platform/net';
import { repoRoot } from './platform/service-definitions';
import { demoAccounts, describeDemoAccount, seed } from './seed';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return value;
}

const tty = process.stdout.isTTY === true;
const dim = (text: string) => (tty ? `\u001b[2m${text}\u001b[0m` : text);
const bold = (text: string) => (tty ? `\u001b[1m${text}\u001b[0m` : text);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function banner(platform: Platform, options: { lan: string | null; port: number; seeded: boolean; logFile: string }): string {
  const api = platform.baseUrl;
  const lines = [
    '',
    bold(`  PhotoNotes backend ready in ${seconds(platform.readyInMs)}`),
    `  API       ${api}`,
    `  Docs      ${api}/docs`,
    `  Web app   ${api}/app   ${dim('(work in progress; edits under clients/web hot-reload)')}`,
    `  Health    ${api}/health`,
    `  Realtime  ${api.replace(/^http/, 'ws')}/realtime?token=<accessToken>`,
  ];
  if (platform.mqttUrl) lines.push(`  MQTT      ${platform.mqttUrl}   ${dim('(devices: the credentials POST /things returns)')}`);
  if (options.lan) {
    lines.push(`  LAN       http://${options.lan}:${options.port}   (phones on this network; Android emulator: http://10.0.2.2:${options.port})`);
  } else {
    lines.push(`  Android emulator: http://10.0.2.2:${options.port}   ${dim('(HOST=0.0.0.0 opens it to phones on the LAN)')}`);
  }
  lines.push(`  Demo      ${demoAccounts.map(describeDemoAccount).join('   ')}`);
  lines.push(`            ${dim(options.seeded ? 'seeded: notes with photos, sharing, a device, a thermostat and an admin' : 'created by `npm run seed` (or `npm run dev -- --seed`)')}`);
  lines.push(`  Logs      ${path.relative(process.cwd(), options.logFile) || options.logFile}   ${dim('(--verbose shows them here)')}`);
  lines.push('  Edits under shared/src and services/*/src reload on the next request or event. Ctrl-C stops everything.', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const unknown = [...args].filter((arg) => !['--verbose', '--seed'].includes(arg));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (known: --verbose, --seed)`);
  const verbose = args.has('--verbose');
  // Optional local overrides (see .env.example); real environment variables win.
  const envFile = path.join(repoRoot, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const host = process.env.HOST ?? '127.0.0.1';
  // PHOTONOTES_PORT_OFFSET moves every port at once (scripts/config/ports.cjs); PORT and the *_PORT variables one each.
  const offset = portOffset();
  const defaultPorts = emulatorPorts(offset);
  const port = intFromEnv('PORT', defaultPorts.gateway);
  const lan = host === '0.0.0.0' ? lanAddress() : null;
  if (host === '0.0.0.0') {
    console.warn(
      '  Warning: HOST=0.0.0.0 opens the backend to your network. Local tokens are signed with cognito-local\'s public test key:\n' +
        '  anyone who can reach this machine can forge them. Use it only on a network you trust.',
    );
  }
  const dataDir = process.env.DEV_DATA_DIR ?? path.join(repoRoot, '.local');
  const logFile = path.join(dataDir, 'logs', 'dev.log');
  console.log(`  Starting PhotoNotes backend ${dim(`(logs: ${path.relative(process.cwd(), logFile)})`)}`);

  // Ctrl-C (or SIGTERM) at any time, start-up included, stops whatever has started and frees its ports.
  const starting = new AbortController();
  let platform: Platform | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping every service and emulator...`);
    if (platform) void platform.stop().then(() => process.exit(0));
    else starting.abort();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  platform = await startPlatform({
    signal: starting.signal,
    onAborted: () => process.exit(130),
    port,
    host,
    ...(lan ? { publicHost: lan } : {}),
    dataDir,
    logFile,
    terminal: verbose ? 'verbose' : 'quiet',
    logLevel: process.env.LOG_LEVEL ?? 'info',
    watch: true,
    web: 'dev',
    portOffset: offset,
    emulatorPorts: {
      dynamodb: intFromEnv('DYNAMODB_PORT', defaultPorts.dynamodb),
      sns: intFromEnv('SNS_PORT', defaultPorts.sns),
      s3: intFromEnv('S3_PORT', defaultPorts.s3),
      cognito: intFromEnv('COGNITO_PORT', defaultPorts.cognito),
      sqs: intFromEnv('SQS_PORT', defaultPorts.sqs),
    },
    onReady: (component, elapsed) => console.log(`  ${tty ? '\u001b[32m✓\u001b[0m' : '-'} ${component.padEnd(16)}${dim(seconds(elapsed))}`),
    onReload: (service, changed) => console.log(`  ↻ ${service} reloaded ${dim(`(${changed})`)}`),
  });


  let seeded = false;
  if (args.has('--seed')) {
    try {
      const userPool = { endpoint: new URL(platform.cognito.issuer).origin, userPoolId: platform.cognito.userPoolId };
      await seed({ baseUrl: `http://127.0.0.1:${port}`, userPool, log: (line) => console.log(`  ${dim(line)}`) });
      seeded = true;
    } catch (error) {
      console.error(`  Seeding failed (the backend keeps running): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(banner(platform, { lan, port, seeded, logFile }));
}

main().catch((error: unknown) => {
  console.error(`npm run dev failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
