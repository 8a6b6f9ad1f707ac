// Per-function bundle size (zipped and minified JS) and cold module-load time, each load time as a
// ratio against an empty handler bundled with the same esbuild settings in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { httpZipBudgetBytes, packagedFunctions } from '../scripts/check-deploy';
import { repoRoot } from '../scripts/platform/service-definitions';
import { median, round, writeResult } from './support';

const loadRuns = Number(process.env.BENCH_LOAD_RUNS ?? 7);

// Module-scope getters throw on missing env, so give every variable a service may read a dummy value.
const dummyEnv: Record<string, string> = {
  ...(process.env as Record<string, string>),
  AWS_REGION: 'us-east-1',
  STAGE: 'bench',
  COGNITO_ISSUER: 'http://127.0.0.1:1/pool',
  COGNITO_CLIENT_ID: 'client',
  COGNITO_USER_POOL_ID: 'pool',
  CURSOR_SECRET: 'bench',
  MEDIA_KEY_SECRET: 'bench',
  LOG_LEVEL: 'silent',
  DOCS_ASSETS_DIR: path.join(repoRoot, 'node_modules', 'swagger-ui-dist'),
};
for (const name of ['USERS_TABLE', 'NOTES_TABLE', 'SEARCH_INDEX_TABLE', 'DEVICES_TABLE', 'INBOX_TABLE', 'MEDIA_TABLE', 'MEDIA_BUCKET', 'USER_EVENTS_TOPIC_ARN', 'MEDIA_EVENTS_TOPIC_ARN', 'PUBLIC_BASE_URL']) {
  dummyEnv[name] ??= name.endsWith('_ARN') ? 'arn:aws:sns:us-east-1:000000000000:bench' : 'bench';
}

/** Milliseconds to `require` a file in a fresh node process, median of several runs. */
function loadTimeMs(file: string): number {
  const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times: number[] = [];
  for (let i = 0; i < loadRuns; i += 1) {
    const out = spawnSync(process.execPath, ['-e', probe], { env: dummyEnv, encoding: 'utf8', cwd: path.dirname(file) });
    if (out.status !== 0) throw new Error(`loading ${file} failed: ${out.stderr}`);
    times.push(Number(out.stdout));
  }
  return median(times);
}

async function emptyHandlerBundle(dir: string): Promise<string> {
  const common = parse(readFileSync(path.join(repoRoot, 'serverless.common.yml'), 'utf8')) as { esbuild: { minify: boolean; target: string; mainFields?: string[] } };
  const entry = path.join(dir, 'empty.ts');
  writeFileSync(entry, 'export const handler = async () => ({ statusCode: 200, body: "{}" });\n');
  const outfile = path.join(dir, 'empty.js');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', minify: common.esbuild.minify, target: common.esbuild.target, mainFields: common.esbuild.mainFields, outfile, logLevel: 'silent' });
  return outfile;
}

async function main(): Promise<void> {
  const sls = path.join(repoRoot, 'node_modules', 'serverless', 'bin', 'serverless.js');
  const packaged = spawnSync(process.execPath, [sls, 'package', '--stage', 'dev'], {
    cwd: repoRoot,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: 'package-only', AWS_SECRET_ACCESS_KEY: 'package-only' },
    encoding: 'utf8',
  });
  if (packaged.status !== 0) throw new Error(`sls package failed:\n${packaged.stdout}\n${packaged.stderr}`);

  const work = mkdtempSync(path.join(os.tmpdir(), 'photonotes-bundles-'));
  try {
    const baselineFile = await emptyHandlerBundle(work);
    const rows = [];
    for (const fn of packagedFunctions()) {
      const dir = path.join(work, fn.service, fn.name);
      execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', fn.zip, dir]);
      const handlerJs = fn.entries.find((entry) => entry.endsWith('.js') && entry.startsWith('src/functions/'));
      if (!handlerJs) throw new Error(`${fn.zip} has no handler file`);
      const file = path.join(dir, handlerJs);
      // Baseline and function measured back to back, so drift on the machine hits both.
      const baselineMs = loadTimeMs(baselineFile);
      const loadMs = loadTimeMs(file);
      rows.push({
        function: `${fn.service}/${fn.name}`,
        http: fn.isHttp,
        zipKB: round(fn.bytes / 1024, 1),
        minifiedKB: round(statSync(file).size / 1024, 1),
        loadMs: round(loadMs, 2),
        emptyHandlerLoadMs: round(baselineMs, 2),
        loadRatio: round(loadMs / baselineMs, 2),
        withinZipBudget: !fn.isHttp || fn.bytes <= httpZipBudgetBytes,
      });
    }
    const result = { description: `sls package --stage dev; load = require() of the handler file in a fresh node process, median of ${loadRuns}`, zipBudgetKB: httpZipBudgetBytes / 1024, functions: rows };
    console.table(rows);
    console.log(`wrote ${writeResult('bundles', result)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
