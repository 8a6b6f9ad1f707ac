// Route modules (services/*/src/routes, services/users/src/platform/routes) only declare: the OpenAPI generator
// imports every one of them, handlers import theirs at cold start. So importing one reads no environment variable
// and pulls in no adapter, function, AWS SDK client or middy.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../platform/service-definitions';
import { isRouteModule } from './support/http-functions';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(file) : [file];
  });
}

const routeModules = filesUnder(path.join(repoRoot, 'services')).filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`) && isRouteModule(file));

test('every service has route modules, and the platform too', () => {
  // Assess
  const folders = new Set(routeModules.map((file) => path.relative(repoRoot, path.dirname(file))));
  expect([...folders].sort()).toEqual(
    ['analytics', 'core-api', 'iot', 'notifications', 'search', 'thumbnails', 'users'].map((service) => `services/${service}/src/routes`).concat('services/users/src/platform/routes').sort(),
  );
});

test('importing a route module reads no environment variable', () => {
  // Prepare: an environment that records every name asked for
  const read = new Set<string>();
  const saved = process.env;
  process.env = new Proxy({ ...saved }, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });

  // Act
  try {
    jest.isolateModules(() => {
      for (const file of routeModules) jest.requireActual(file);
    });
  } finally {
    process.env = saved;
  }

  // Assess
  expect([...read]).toEqual([]);
});

test('a route module pulls in no adapter, function, AWS SDK or middy', async () => {
  // Act
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: routeModules,
    outdir: path.join(repoRoot, '.route-modules-test'),
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    metafile: true,
    logLevel: 'silent',
  });
  const forbidden = Object.values(result.metafile.outputs).flatMap((output) =>
    Object.keys(output.inputs)
      .filter((input) => /\/(adapters|functions)\/|node_modules\/(@aws-sdk|@smithy|@middy)\//.test(input))
      .map((input) => `${output.entryPoint} → ${input}`),
  );

  // Assess
  expect(forbidden).toEqual([]);
});
