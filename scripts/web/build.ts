// `npm run build:web -- --stage <stage> [--api-url <url>] [--realtime-url <url>] [--out <dir>]`: builds clients/web
// for a stage and checks its initial JS against the budget. `local` calls the API and the realtime channel on the
// page's own origin (the gateway serves both); any other stage needs its API base URL and its realtime WebSocket URL:
// --api-url / PHOTONOTES_API_URL and --realtime-url / PHOTONOTES_REALTIME_URL, else read from the stage's stacks
// when AWS credentials are present (scripts/web/stage-urls.ts).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../platform/service-definitions';
import { initialJsBudgetBytes, initialJsBytes } from './initial-js';
import { cloudFormationOutputs, hasAwsCredentials, resolveStageUrls, type StageUrls } from './stage-urls';

export const webRoot = path.join(repoRoot, 'clients/web');

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Builds the app for `stage` into `outDir`; throws when Vite fails or the initial JS is over budget. */
export function buildWeb(stage: string, urls: StageUrls, outDir: string): void {
  const vite = path.join(repoRoot, 'node_modules/vite/bin/vite.js');
  // NODE_ENV decides Vite's import.meta.env.PROD: a build run from jest (NODE_ENV=test) must still be a production one.
  const env = { ...process.env, NODE_ENV: 'production', PHOTONOTES_API_URL: urls.apiUrl, PHOTONOTES_REALTIME_URL: urls.realtimeUrl };
  const result = spawnSync(process.execPath, [vite, 'build', webRoot, '--outDir', outDir, '--emptyOutDir'], { stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
  const size = initialJsBytes(outDir);
  for (const file of size.files) console.log(`  ${file.file}  ${kb(file.gzipBytes)} gzipped`);
  console.log(`web app for ${stage} in ${path.relative(repoRoot, outDir) || '.'}: initial JS ${kb(size.totalGzipBytes)} gzipped (budget ${kb(initialJsBudgetBytes)})`);
  if (urls.apiUrl) console.log(`  API ${urls.apiUrl}, realtime ${urls.realtimeUrl}`);
  if (size.totalGzipBytes > initialJsBudgetBytes) throw new Error(`Initial JS is over budget by ${kb(size.totalGzipBytes - initialJsBudgetBytes)}.`);
}

export const urlOptions = { stage: { type: 'string' }, 'api-url': { type: 'string' }, 'realtime-url': { type: 'string' } } as const;

/**
 * The stage's URLs from the flags, the environment, then its stacks' outputs: asked when the environment names AWS
 * credentials, or always (`askStacks`, deploy:web, which needs credentials anyway, e.g. from ~/.aws).
 */
export function urlsFromArgs(values: { stage?: string; 'api-url'?: string; 'realtime-url'?: string }, askStacks = hasAwsCredentials()): Promise<StageUrls> {
  const stage = values.stage ?? 'local';
  const explicit = { apiUrl: values['api-url'] ?? process.env.PHOTONOTES_API_URL, realtimeUrl: values['realtime-url'] ?? process.env.PHOTONOTES_REALTIME_URL };
  return resolveStageUrls(stage, explicit, askStacks ? cloudFormationOutputs() : undefined);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...urlOptions, out: { type: 'string' } } });
  const stage = values.stage ?? 'local';
  const urls = await urlsFromArgs(values);
  buildWeb(stage, urls, path.resolve(values.out ?? path.join(webRoot, 'dist')));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
