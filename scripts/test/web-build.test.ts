// The web app's build (npm run build:web): the API base URL per stage, and the initial JS budget (150 KB gzipped).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/service-definitions';
import { apiUrlForStage } from '../web/build';
import { initialJsBudgetBytes, initialJsBytes, initialScripts } from '../web/initial-js';

describe('apiUrlForStage', () => {
  test('local is the same origin; another stage needs an http(s) URL', () => {
    expect(apiUrlForStage('local', undefined)).toBe('');
    expect(apiUrlForStage('dev', 'https://api.example.com/')).toBe('https://api.example.com');
    expect(() => apiUrlForStage('dev', undefined)).toThrow(/--api-url/);
    expect(() => apiUrlForStage('prod', 'ftp://example.com')).toThrow(/http/);
    expect(() => apiUrlForStage('Prod!', 'https://api.example.com')).toThrow(/Invalid stage/);
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
  }, 60_000);
});
