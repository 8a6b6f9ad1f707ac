// The gateway's /app: which built file answers a request path (scripts/platform/web-app.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isWebAppPath, staticFileFor } from '../platform/web-app';

describe('staticFileFor', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'photonotes-web-dist-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<html></html>');
    writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'export {}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('an existing file is itself; a screen path without an extension is index.html; a missing asset is null', () => {
    expect(staticFileFor(dir, '/app/assets/index-abc.js')).toBe(path.join(dir, 'assets', 'index-abc.js'));
    expect(staticFileFor(dir, '/app/')).toBe(path.join(dir, 'index.html'));
    expect(staticFileFor(dir, '/app/notes/42')).toBe(path.join(dir, 'index.html'));
    expect(staticFileFor(dir, '/app/assets/missing.js')).toBeNull();
  });

  test('a path that leaves the folder, or is not valid percent-encoding, is null', () => {
    expect(staticFileFor(dir, '/app/%2e%2e/secret.txt')).toBeNull();
    expect(staticFileFor(dir, '/app/..%2F..%2Fetc%2Fpasswd')).toBeNull();
    expect(staticFileFor(dir, '/app/%E0%A4%A')).toBeNull();
  });
});

describe('isWebAppPath', () => {
  test('/app and what is below it, not paths that only start with the letters', () => {
    expect(isWebAppPath('/app')).toBe(true);
    expect(isWebAppPath('/app/assets/x.js')).toBe(true);
    expect(isWebAppPath('/apps')).toBe(false);
    expect(isWebAppPath('/notes')).toBe(false);
  });
});
