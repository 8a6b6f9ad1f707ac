// `npm run build:web -- --stage <stage> [--api-url <url>] [--out <dir>]`: builds clients/web for a stage and checks
// its initial JS against the budget. `local` calls the API on the page's own origin (the gateway serves both);
// any other stage needs its API base URL: --api-url or PHOTONOTES_API_URL.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../platform/service-definitions';
import { initialJsBudgetBytes, initialJsBytes } from './initial-js';

export const webRoot = path.join(repoRoot, 'clients/web');

export function apiUrlForStage(stage: string, explicit: string | undefined): string {
  if (!/^[a-z0-9-]{1,16}$/.test(stage)) throw new Error(`Invalid stage "${stage}": 1 to 16 characters of a-z, 0-9 and "-".`);
  if (stage === 'local') return '';
  if (!explicit) throw new Error(`Stage ${stage} needs its API base URL: pass --api-url https://… or set PHOTONOTES_API_URL.`);
  const url = new URL(explicit);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--api-url must be http(s), got ${explicit}`);
  return url.toString().replace(/\/+$/, '');
}

function main(): void {
  const { values } = parseArgs({ options: { stage: { type: 'string' }, 'api-url': { type: 'string' }, out: { type: 'string' } } });
  const stage = values.stage ?? 'local';
  const apiUrl = apiUrlForStage(stage, values['api-url'] ?? process.env.PHOTONOTES_API_URL);
  const outDir = path.resolve(values.out ?? path.join(webRoot, 'dist'));
  const vite = path.join(repoRoot, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', webRoot, '--outDir', outDir, '--emptyOutDir'], { stdio: 'inherit', env: { ...process.env, PHOTONOTES_API_URL: apiUrl } });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const size = initialJsBytes(outDir);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const file of size.files) console.log(`  ${file.file}  ${kb(file.gzipBytes)} gzipped`);
  console.log(`web app for ${stage} in ${path.relative(repoRoot, outDir) || '.'}: initial JS ${kb(size.totalGzipBytes)} gzipped (budget ${kb(initialJsBudgetBytes)})`);
  if (size.totalGzipBytes > initialJsBudgetBytes) {
    console.error(`Initial JS is over budget by ${kb(size.totalGzipBytes - initialJsBudgetBytes)}.`);
    process.exit(1);
  }
}

if (require.main === module) main();
