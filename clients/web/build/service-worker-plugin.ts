// Builds the service worker (src/pwa/service-worker.ts) into <outDir>/sw.js once Vite has written the app: its
// precache list is every file of the build (index.html, hashed assets, manifest, icons), and its cache version a
// hash of their names and contents, so each new build installs a new worker with a new cache.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Plugin } from 'vite';

export const serviceWorkerFile = 'sw.js';

/** Every file under `dir`, relative with '/' separators, sorted (deploy:web uploads them all). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** Every file under `dir`, relative with '/' separators, sorted; the worker itself excluded. */
export function buildFiles(dir: string): string[] {
  return filesUnder(dir).filter((file) => file !== serviceWorkerFile);
}

export function buildVersion(dir: string, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(readFileSync(path.join(dir, file))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

export function serviceWorkerPlugin(source: string): Plugin {
  let outDir = '';
  return {
    name: 'photonotes-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const files = buildFiles(outDir);
      const result = await build({
        entryPoints: [source],
        bundle: true,
        write: false,
        format: 'iife',
        target: 'es2022',
        minify: true,
        define: { __PRECACHE__: JSON.stringify(files), __CACHE_VERSION__: JSON.stringify(buildVersion(outDir, files)) },
      });
      const code = result.outputFiles[0]?.text;
      if (!code) throw new Error('the service worker build produced no file');
      writeFileSync(path.join(outDir, serviceWorkerFile), code);
    },
  };
}
