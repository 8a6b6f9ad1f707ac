// Per-function bundle size (zipped and minified JS) and cold module-load time, each load time as a
// ratio against an empty handler bundled with the same esbuild settings in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { httpZipBudgetBytes, packagedFunctions, packageStage } from '../scripts/check-deploy';
import { repoRoot } from '../scripts/platform/service-definitions';
import { median, round, writeResult } from './support';

const loadRuns = Number(process.env.BENCH_LOAD_RUNS ?? 7);

// Module-scope getters throw on a missing variable, so each function loads with the environment it is
// deployed with; values CloudFormation resolves at deploy (Ref, ImportValue...) get a placeholder.
function placeholder(name: string): string {
  if (name.endsWith('_ARN')) return 'arn:aws:sns:us-east-1:000000000000:bench';
  if (/_(ISSUER|URL|ENDPOINT)$/.test(name)) return 'http://127.0.0.1:1/bench';
  return 'bench';
}

function deployedEnv(declared: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), AWS_REGION: 'us-east-1', LOG_LEVEL: 'silent' };
  for (const [name, value] of Object.entries(declared)) {
    env[name] = typeof value === 'string' ? value : placeholder(name);
  }
  return env;
}

/** Milliseconds to `require` a file in a fresh node process, median of several runs. */
function loadTimeMs(file: string, env: Record<string, string>): number {
  const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times: number[] = [];
  for (let i = 0; i < loadRuns; i += 1) {
    const out = spawnSync(process.execPath, ['-e', probe], { env, encoding: 'utf8', cwd: path.dirname(file) });
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
  packageStage('dev');

  const work = mkdtempSync(path.join(os.tmpdir(), 'photonotes-bundles-'));
  try {
    const baselineFile = await emptyHandlerBundle(work);
    const rows = [];
    for (const fn of packagedFunctions()) {
      const dir = path.join(work, fn.service, fn.name);
      execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', fn.zip, dir]);
      const handlerJs = fn.entries.find((entry) => entry.endsWith('.js') && /^src\/(?:platform\/)?functions\//.test(entry));
      if (!handlerJs) throw new Error(`${fn.zip} has no handler file`);
      const file = path.join(dir, handlerJs);
      // Baseline and function measured back to back, so drift on the machine hits both.
      // The thumbnails processor carries sharp built for Lambda's arm64: it cannot load on another machine.
      const foreignNative = fn.entries.some((entry) => /@img\/sharp-[a-z]+-(arm64|x64)\//.test(entry)) && !fn.entries.some((entry) => entry.includes(`-${process.platform}-${process.arch}/`));
      const env = deployedEnv(fn.environment);
      const baselineMs = loadTimeMs(baselineFile, env);
      const loadMs = foreignNative ? null : loadTimeMs(file, env);
      rows.push({
        function: `${fn.service}/${fn.name}`,
        http: fn.isHttp,
        zipKB: round(fn.bytes / 1024, 1),
        minifiedKB: round(statSync(file).size / 1024, 1),
        loadMs: loadMs === null ? null : round(loadMs, 2),
        emptyHandlerLoadMs: round(baselineMs, 2),
        loadRatio: loadMs === null ? null : round(loadMs / baselineMs, 2),
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
