// The web app's build (npm run build:web): the API base URL per stage, and the initial JS budget (150 KB gzipped).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/service-definitions';
import { readStackOutputs, resolveStageUrls, stageUrls, type OutputsReader } from '../web/stage-urls';
import { initialJsBudgetBytes, initialJsBytes, initialScripts } from '../web/initial-js';

describe('stageUrls', () => {
  const realtimeUrl = 'wss://ws.example.com/dev';

  test('local is the same origin for both; another stage needs an http(s) API URL and a ws(s) realtime URL', () => {
    expect(stageUrls('local', {})).toEqual({ apiUrl: '', realtimeUrl: '' });
    expect(stageUrls('dev', { apiUrl: 'https://api.example.com/', realtimeUrl: 'wss://ws.example.com/dev/' })).toEqual({ apiUrl: 'https://api.example.com', realtimeUrl });
    expect(() => stageUrls('dev', { realtimeUrl })).toThrow(/--api-url/);
    expect(() => stageUrls('dev', { apiUrl: 'https://api.example.com' })).toThrow(/--realtime-url/);
    expect(() => stageUrls('prod', { apiUrl: 'ftp://example.com', realtimeUrl })).toThrow(/http/);
    expect(() => stageUrls('prod', { apiUrl: 'https://api.example.com', realtimeUrl: 'https://ws.example.com' })).toThrow(/wss or ws/);
    expect(() => stageUrls('Prod!', { apiUrl: 'https://api.example.com', realtimeUrl })).toThrow(/Invalid stage/);
  });

  test("the stacks' outputs fill what the flags leave out; a flag wins over an output", () => {
    // Prepare
    const outputs = { httpApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com', websocketUrl: 'wss://xyz.execute-api.eu-west-1.amazonaws.com/dev' };

    // Act
    const fromOutputs = stageUrls('dev', {}, outputs);
    const flagWins = stageUrls('dev', { apiUrl: 'https://api.example.com' }, outputs);

    // Assess
    expect(fromOutputs).toEqual({ apiUrl: outputs.httpApiUrl, realtimeUrl: outputs.websocketUrl });
    expect(flagWins).toEqual({ apiUrl: 'https://api.example.com', realtimeUrl: outputs.websocketUrl });
  });
});

describe('resolveStageUrls', () => {
  const fakeStacks = (stacks: Record<string, Record<string, string>>): OutputsReader & { asked: string[] } => {
    const asked: string[] = [];
    return { asked, outputs: async (name) => (asked.push(name), stacks[name]) };
  };

  test("reads the users stack's HttpApiUrl and the notifications stack's ServiceEndpointWebsocket of the stage", async () => {
    // Prepare
    const stacks = fakeStacks({
      'photonotes-users-dev': { HttpApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com', HttpApiId: 'abc' },
      'photonotes-notifications-dev': { ServiceEndpointWebsocket: 'wss://xyz.execute-api.eu-west-1.amazonaws.com/dev' },
      'photonotes-users-prod': { HttpApiUrl: 'https://prod.example.com' },
    });

    // Act
    const urls = await resolveStageUrls('dev', {}, stacks);

    // Assess
    expect(urls).toEqual({ apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com', realtimeUrl: 'wss://xyz.execute-api.eu-west-1.amazonaws.com/dev' });
    expect(stacks.asked.sort()).toEqual(['photonotes-notifications-dev', 'photonotes-users-dev']);
  });

  test('asks no stack for local or when both URLs are given, and fails naming the flag when a stack is missing', async () => {
    // Prepare
    const stacks = fakeStacks({ 'photonotes-users-dev': { HttpApiUrl: 'https://abc.example.com' } });

    // Act
    const local = await resolveStageUrls('local', {}, stacks);
    const given = await resolveStageUrls('dev', { apiUrl: 'https://a.example.com', realtimeUrl: 'wss://b.example.com' }, stacks);
    const askedBefore = [...stacks.asked];
    const missing = resolveStageUrls('dev', {}, stacks);

    // Assess
    expect(local).toEqual({ apiUrl: '', realtimeUrl: '' });
    expect(given).toEqual({ apiUrl: 'https://a.example.com', realtimeUrl: 'wss://b.example.com' });
    expect(askedBefore).toEqual([]);
    await expect(missing).rejects.toThrow(/--realtime-url/);
    expect(await readStackOutputs('prod', fakeStacks({}))).toEqual({ httpApiUrl: undefined, websocketUrl: undefined });
  });
});

describe('initialScripts', () => {
  test('counts module scripts and modulepreloads under the base, once each, and not stylesheets', () => {
    // Prepare
    const html = '<script type="module" crossorigin src="/app/assets/index-a.js"></script><link rel="modulepreload" crossorigin href="/app/assets/vendor-b.js"><link rel="stylesheet" href="/app/assets/index-c.css"><script type="module" src="/app/assets/index-a.js"></script>';

    // Act
    const files = initialScripts(html, '/dist');

    // Assess
    expect(files).toEqual([path.join('/dist', 'assets/index-a.js'), path.join('/dist', 'assets/vendor-b.js')]);
  });
});

describe('npm run build:web', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'photonotes-web-'));
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  test('builds the local stage under /app, same-origin, with initial JS within 150 KB gzipped', () => {
    // Act
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/web/build.ts'), '--stage', 'local', '--out', outDir], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PHOTONOTES_API_URL: '' } });

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
    expect(html).toContain('src="/app/assets/');
    const size = initialJsBytes(outDir);
    expect(size.files.length).toBeGreaterThan(0);
    expect(size.totalGzipBytes).toBeGreaterThan(1000);
    expect(size.totalGzipBytes).toBeLessThanOrEqual(initialJsBudgetBytes);
    expect(result.stdout).toMatch(/initial JS \d+\.\d KB gzipped/);
    // A production build even when run from jest (NODE_ENV=test): it registers the service worker it ships.
    const entry = readFileSync(size.files[0] ? path.join(outDir, size.files[0].file) : '', 'utf8');
    expect(entry).toContain('sw.js');
    expect(readFileSync(path.join(outDir, 'sw.js'), 'utf8')).toContain('"index.html"');
  }, 60_000);
});
