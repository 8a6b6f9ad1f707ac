// The local platform's small decisions: ports, what the terminal shows, Java detection, the LAN address,
// which services an edit reloads, and where the browser tests find a Chromium.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NetworkInterfaceInfo } from 'node:os';
import { emulatorPorts, servicePorts } from '../config/ports.cjs';
import { lanAddress } from '../platform/net';
import { platformPorts } from '../platform';
import { parseJavaMajor } from '../platform/java';
import { formatForTerminal, showInTerminal } from '../platform/log-filter';
import { affectedServices, reloadMarkerName, watchForReloads } from '../platform/reload-watch';
import { loadServiceDefinitions, repoRoot, type ServiceDefinition } from '../platform/service-definitions';
import { findChromium } from '../../test/support/browser';

describe('ports', () => {
  it('shifts every port of the platform by the offset, and no two collide', () => {
    // Act
    const plain = platformPorts(0).map((p) => p.port);
    const shifted = platformPorts(20_000).map((p) => p.port);

    // Assess
    expect(new Set(plain).size).toBe(plain.length);
    expect(shifted).toEqual(plain.map((port) => port + 20_000));
    expect(new Set([...plain, ...shifted]).size).toBe(plain.length * 2);
  });

  it('keeps the documented defaults with no offset', () => {
    expect(emulatorPorts(0)).toEqual({ gateway: 3000, dynamodb: 8000, sns: 4002, s3: 4569, cognito: 9229, mqtt: 1883, iotData: 4580, sqs: 4576, web: 5173 });
    expect(servicePorts('core-api', 0)).toMatchObject({ http: 3102, lambda: 3202 });
  });

  it('gives the service definitions the same ports serverless.yml resolves', () => {
    const services = loadServiceDefinitions(repoRoot, 10_000);
    for (const service of services) expect(service.httpPort).toBe(servicePorts(service.name, 10_000).http);
  });

  it('refuses a service without a slot', () => {
    expect(() => servicePorts('no-such-service', 0)).toThrow(/no slot/);
  });
});

describe('the dev terminal', () => {
  it('hides route tables, start-up chatter and third-party notices, and keeps the services\' own lines', () => {
    const hidden = [
      ['core-api', '│   POST   | http://localhost:3102/notes                                       │'],
      ['core-api', 'Server ready: http://localhost:3102 🚀'],
      ['core-api', 'POST /notes (λ: createNote)'],
      ['cognito', 'NOTE: The AWS SDK for JavaScript (v2) has reached end-of-support.'],
      ['users', '(node:12) Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)'],
      ['dynamodb', 'Initializing DynamoDB Local with the following configuration:'],
      ['platform', 'emulators ready in 3578 ms'],
    ];
    for (const [source, text] of hidden) expect([source, showInTerminal('quiet', source as string, text as string)]).toEqual([source, false]);
    expect(showInTerminal('quiet', 'core-api', '{"level":"error","message":"Unhandled error"}')).toBe(true);
    expect(showInTerminal('quiet', 'search', '{"level":"info","message":"Record ignored","reason":"stale version"}')).toBe(false);
    expect(showInTerminal('quiet', 'search', '{"level":"error","message":"Record failed"}')).toBe(true);
    expect(showInTerminal('verbose', 'search', '{"level":"info","message":"Record applied"}')).toBe(true);
    // A metrics line (EMF) stays in the log file: CloudWatch reads it deployed, nobody reads it in a terminal.
    expect(showInTerminal('quiet', 'core-api', '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"service":"core-api","stage":"local","NotesCreated":1}')).toBe(false);
    expect(showInTerminal('quiet', 'platform', 'search exited unexpectedly (code 1)')).toBe(true);
    expect(showInTerminal('quiet', 'dynamodb', 'Exception in thread "main" java.lang.OutOfMemoryError')).toBe(true);
  });

  it('shows everything but the notices with --verbose', () => {
    expect(showInTerminal('verbose', 'core-api', 'Server ready: http://localhost:3102 🚀')).toBe(true);
    expect(showInTerminal('verbose', 'cognito', 'Please migrate your code to use AWS SDK for JavaScript (v3).')).toBe(false);
  });

  it('prints a JSON log entry as one short line, without stacks', () => {
    const line = formatForTerminal(JSON.stringify({ level: 'warn', time: 't', service: 's', message: 'Request rejected', status: 409, cause: { stack: 'at x\nat y', name: 'E' } }));
    expect(line).toBe('WARN  Request rejected {"status":409,"cause":{"name":"E"}}');
    expect(formatForTerminal('plain text')).toBe('plain text');
  });

  it("leaves the Lambda context of a line (cold start, function name and request id) to the log file", () => {
    const line = formatForTerminal(JSON.stringify({ level: 'info', time: 't', service: 's', message: 'request', coldStart: false, functionName: 'photonotes-core-api-local-getNote', functionRequestId: 'f1', status: 200, requestId: 'r1' }));
    expect(line).toBe('INFO  request {"status":200,"requestId":"r1"}');
  });
});

describe('Java detection', () => {
  it.each([
    ['openjdk version "17.0.12" 2024-07-16', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_401"', 8],
    ['no version here', null],
  ])('%s → %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });
});

describe('LAN address', () => {
  const entry = (address: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4') => ({ address, internal, family, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

  it('is the first external IPv4 address', () => {
    expect(lanAddress({ lo: [entry('127.0.0.1', true)], eth0: [entry('fe80::1', false, 'IPv6'), entry('192.168.1.20', false)] })).toBe('192.168.1.20');
  });

  it('is null with only loopback', () => {
    expect(lanAddress({ lo: [entry('127.0.0.1', true)] })).toBeNull();
  });
});

describe('hot reload', () => {
  const services = loadServiceDefinitions();

  it('reloads every service for the shared library and one service for its own sources', () => {
    expect(affectedServices(path.join(repoRoot, 'shared', 'src', 'http.ts'), services)).toHaveLength(services.length);
    expect(affectedServices(path.join(repoRoot, 'services', 'search', 'src', 'functions', 'search.ts'), services).map((s) => s.name)).toEqual(['search']);
    expect(affectedServices(path.join(repoRoot, 'services', 'search', 'test', 'unit', 'x.test.ts'), services)).toEqual([]);
  });

  it('reports a service once serverless-offline has dropped its old handlers after a source edit', async () => {
    // Prepare: a service directory with sources and a build output, as serverless-esbuild leaves them.
    const dir = mkdtempSync(path.join(tmpdir(), 'photonotes-reload-'));
    const buildDir = path.join(dir, '.esbuild', '.build', 'src', 'functions');
    mkdirSync(path.join(dir, 'src', 'functions'), { recursive: true });
    mkdirSync(buildDir, { recursive: true });
    const service = { name: 'demo', dir } as ServiceDefinition;
    const reloads: string[] = [];
    const watcher = watchForReloads([service], (name, changed) => reloads.push(`${name} ${changed}`));

    const marker = path.join(dir, '.esbuild', '.build', reloadMarkerName);
    try {
      // Act: a reload without a source edit is not reported; nor are an edit's rebuilt files before serverless-offline
      // has dropped the old handlers (the marker); the marker after an edit is.
      writeFileSync(marker, '1');
      await new Promise((resolve) => setTimeout(resolve, 600));
      writeFileSync(path.join(dir, 'src', 'functions', 'a.ts'), 'export {}');
      await new Promise((resolve) => setTimeout(resolve, 200));
      writeFileSync(path.join(buildDir, 'a.js'), '2');
      await new Promise((resolve) => setTimeout(resolve, 600));
      const beforeMarker = [...reloads];
      writeFileSync(marker, '2');
      await new Promise((resolve) => setTimeout(resolve, 900));

      // Assess
      expect(beforeMarker).toEqual([]);
      expect(reloads).toEqual([`demo ${path.relative(repoRoot, path.join(dir, 'src', 'functions', 'a.ts'))}`]);
    } finally {
      watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('finding a browser', () => {
  const bundled = async () => ({ executablePath: '/tmp/from-npm/chromium', args: ['--single-process'] });

  it('prefers CHROMIUM_PATH, then a system browser, then the one from npm', async () => {
    const exists = (file: string) => ['/opt/my-chromium', '/usr/bin/google-chrome'].includes(file);
    await expect(findChromium({ env: { CHROMIUM_PATH: '/opt/my-chromium' }, platform: 'linux', exists, bundled })).resolves.toMatchObject({ source: 'CHROMIUM_PATH', executablePath: '/opt/my-chromium' });
    await expect(findChromium({ env: {}, platform: 'linux', exists, bundled })).resolves.toMatchObject({ source: 'system', executablePath: '/usr/bin/google-chrome' });
    await expect(findChromium({ env: {}, platform: 'linux', exists: () => false, bundled })).resolves.toMatchObject({ source: '@sparticuz/chromium', executablePath: '/tmp/from-npm/chromium' });
  });

  it('says what to do when CHROMIUM_PATH is wrong or a Mac has no Chrome', async () => {
    await expect(findChromium({ env: { CHROMIUM_PATH: '/nope' }, platform: 'linux', exists: () => false, bundled })).rejects.toThrow(/CHROMIUM_PATH is \/nope/);
    await expect(findChromium({ env: {}, platform: 'darwin', exists: () => false, bundled })).rejects.toThrow(/Install Google Chrome/);
  });
});
