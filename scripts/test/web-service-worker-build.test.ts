// The web build's service worker plugin (clients/web/build/service-worker-plugin.ts): what it precaches and when
// its version (hence its cache) changes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFiles, buildVersion } from '../../clients/web/build/service-worker-plugin';

describe('the service worker build', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'photonotes-sw-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<html>1</html>');
    writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'js');
    writeFileSync(path.join(dir, 'sw.js'), 'old worker');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('precaches every file of the build with / separators, not the worker itself', () => {
    // Act & Assess
    expect(buildFiles(dir)).toEqual(['assets/index-abc.js', 'index.html']);
  });

  test("a changed file gives a new version; the same build the same one", () => {
    // Prepare
    const before = buildVersion(dir, buildFiles(dir));

    // Act
    const again = buildVersion(dir, buildFiles(dir));
    writeFileSync(path.join(dir, 'index.html'), '<html>2</html>');
    const after = buildVersion(dir, buildFiles(dir));

    // Assess
    expect(again).toBe(before);
    expect(after).not.toBe(before);
    expect(before).toMatch(/^[0-9a-f]{16}$/);
  });
});
