// The platform's routes live inside the users service only to share its HTTP API (src/platform/README.md): the two
// stay apart, so the folder can move out without untangling anything.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const src = path.join(__dirname, '..', '..', '..', 'src');
const platform = path.join(src, 'platform');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** The files of this service a module imports (relative imports only; packages and shared are not the service). */
function localImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/\bfrom\s+'(\.[^']+)'/g)].map((match) => path.resolve(path.dirname(file), match[1] ?? ''));
}

const inside = (file: string, dir: string) => file === dir || file.startsWith(`${dir}${path.sep}`);

test('platform code imports nothing from the users code', () => {
  // Act
  const crossings = sourceFiles(platform).flatMap((file) =>
    localImports(file)
      .filter((target) => inside(target, src) && !inside(target, platform))
      .map((target) => `${path.relative(src, file)} → ${path.relative(src, target)}`),
  );

  // Assess
  expect(sourceFiles(platform).length).toBeGreaterThan(5);
  expect(crossings).toEqual([]);
});

test('users code imports the platform only to list its routes with the service', () => {
  // Act
  const importers = sourceFiles(src)
    .filter((file) => !inside(file, platform))
    .filter((file) => localImports(file).some((target) => inside(target, platform)))
    .map((file) => path.relative(src, file));

  // Assess
  expect(importers).toEqual([path.join('routes', 'index.ts')]);
});
