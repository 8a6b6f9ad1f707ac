// The browser tests serve clients/web/dist (the test platform's `web: 'static'`). Each test file asks for a build
// of the `local` stage; it is made only when an input changed since the last one this helper made (its stamp in
// .local/), so a run of several browser test files builds once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../scripts/platform/service-definitions';

const inputs = ['clients/web/src', 'clients/web/public', 'clients/web/build', 'clients/web/index.html', 'clients/web/vite.config.ts', 'clients/typescript/src', 'scripts/web'];
const stampFile = path.join(repoRoot, '.local/web-build-stamp.json');

function newestChange(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestChange(path.join(entry, name))), stat.mtimeMs);
}

/** Builds the web app for the `local` stage unless the last build of this helper is still current. */
export function ensureWebBuilt(): void {
  const inputsChanged = Math.max(...inputs.map((input) => newestChange(path.join(repoRoot, input))));
  const stamp = existsSync(stampFile) ? (JSON.parse(readFileSync(stampFile, 'utf8')) as { inputsChanged?: number }) : {};
  if (stamp.inputsChanged === inputsChanged && existsSync(path.join(repoRoot, 'clients/web/dist/index.html'))) return;
  const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/web/build.ts'), '--stage', 'local'], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build:web failed: ${build.stderr || build.stdout}`);
  mkdirSync(path.dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, JSON.stringify({ inputsChanged }));
}
