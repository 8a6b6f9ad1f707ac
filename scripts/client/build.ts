// `npm run build:client`: builds @photonotes/client (clients/typescript) into its publishable form, dist/:
//   dist/esm/index.js   one ES module (bundled: the package has no runtime dependency beyond fetch/WebSocket)
//   dist/cjs/index.js   the same as CommonJS
//   dist/{esm,cjs}/*.d.ts  the declarations, once per module system (each folder's package.json says which),
//                          with relative imports spelled with `.js` so Node16/NodeNext and bundler resolution
//                          both find them.
// Inside this repository nothing needs the build: tsconfig `paths`, Vite's alias and jest's moduleNameMapper
// point `@photonotes/client` at src/.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { repoRoot } from '../platform/service-definitions';

export const clientRoot = path.join(repoRoot, 'clients/typescript');
const dist = path.join(clientRoot, 'dist');

/** A declaration file's relative imports with `.js` added (`'./client'` → `'./client.js'`). */
export function withJsExtensions(declarations: string): string {
  return declarations.replace(/(from\s+|import\()(['"])(\.\.?\/[^'"]+?)(?<!\.js)\2/g, '$1$2$3.js$2');
}

function buildClient(): void {
  rmSync(dist, { recursive: true, force: true });
  const entry = path.join(clientRoot, 'src/index.ts');
  // Each format in its own folder, whose package.json says which module system its files are.
  for (const format of ['esm', 'cjs'] as const) {
    buildSync({ entryPoints: [entry], bundle: true, platform: 'neutral', format, target: 'es2020', outfile: path.join(dist, format, 'index.js'), legalComments: 'none', logLevel: 'warning' });
    writeFileSync(path.join(dist, format, 'package.json'), `${JSON.stringify({ type: format === 'esm' ? 'module' : 'commonjs' })}\n`);
  }
  const types = path.join(dist, 'types');
  const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(clientRoot, 'tsconfig.build.json'), '--outDir', types], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc could not emit the client declarations');
  for (const file of readdirSync(types).filter((name) => name.endsWith('.d.ts'))) {
    const text = withJsExtensions(readFileSync(path.join(types, file), 'utf8'));
    for (const folder of ['esm', 'cjs']) writeFileSync(path.join(dist, folder, file), text);
  }
  rmSync(types, { recursive: true, force: true });
}

if (require.main === module) {
  buildClient();
  const version = (JSON.parse(readFileSync(path.join(clientRoot, 'package.json'), 'utf8')) as { version: string }).version;
  console.log(`@photonotes/client ${version} built in ${path.relative(repoRoot, dist)}/ (esm, cjs, declarations)`);
}
