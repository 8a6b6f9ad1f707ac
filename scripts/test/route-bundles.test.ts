// A handler's bundle carries its own route module (its schemas, its part of the document) and no other route's:
// each handler imports one route module, and nothing else imports route modules. Built with the esbuild settings
// every Lambda is packaged with (serverless.common.yml), all functions in one build.
import path from 'node:path';
import type { RouteSpec } from '@photonotes/shared/http-route';
import { build } from 'esbuild';
import type { Metafile, Plugin } from 'esbuild';
import { loadServiceRoutes } from '../openapi/generate';
import { readYaml, repoRoot } from '../platform/service-definitions';
import { httpFunctions, isRouteModule, servedRoute } from './support/http-functions';

const lambdaPlugins = jest.requireActual<Plugin[]>('../esbuild-plugins.cjs');
const { esbuild: settings } = readYaml<{ esbuild: { minify: boolean; target: string; mainFields: string[] } }>(path.join(repoRoot, 'serverless.common.yml'));

interface Bundle {
  text: string;
  /** Repo-relative paths of the modules in it. */
  inputs: string[];
}

const functions = httpFunctions();
const relative = (file: string) => path.relative(repoRoot, file);
let bundles: Map<string, Bundle>;
let metafile: Metafile;
let documented: RouteSpec[];

beforeAll(async () => {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: Object.fromEntries(functions.map((fn) => [`${fn.service}/${fn.name}`, fn.handlerFile])),
    outdir: path.join(repoRoot, '.bundle-test'),
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: settings.minify,
    target: settings.target,
    mainFields: settings.mainFields,
    plugins: lambdaPlugins,
    metafile: true,
    logLevel: 'silent',
  });
  metafile = result.metafile;
  bundles = new Map();
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const file = result.outputFiles.find((candidate) => relative(candidate.path) === out);
    const fn = functions.find((candidate) => relative(candidate.handlerFile) === meta.entryPoint);
    if (file && fn) bundles.set(`${fn.service}/${fn.name}`, { text: file.text, inputs: Object.keys(meta.inputs) });
  }
  documented = (await loadServiceRoutes()).flatMap(({ routes }) => routes);
}, 120_000);

/** Whether the minified text holds `value` as a string literal (esbuild writes non-ASCII characters as \\u escapes). */
function hasLiteral(text: string, value: string): boolean {
  const escaped = value.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return ['"', "'", '`'].some((quote) => text.includes(`${quote}${escaped}${quote}`));
}

/** A route module and the route modules it imports (shared schemas of a few routes). */
function routeClosure(file: string): string[] {
  const seen = new Set<string>();
  const visit = (input: string) => {
    if (seen.has(input) || !isRouteModule(input)) return;
    seen.add(input);
    for (const imported of metafile.inputs[input]?.imports ?? []) visit(imported.path);
  };
  visit(file);
  return [...seen].sort();
}

describe.each(functions.map((fn) => [`${fn.service}/${fn.name}`, fn] as const))('%s', (key, fn) => {
  test('bundles its own route module and no other', () => {
    // Prepare
    const own = relative(servedRoute(fn.handlerFile).file);

    // Act
    const routeModules = (bundles.get(key)?.inputs ?? []).filter(isRouteModule).sort();

    // Assess
    expect(routeModules).toContain(own);
    expect(routeModules).toEqual(routeClosure(own));
  });

  test('bundles the token verifier (and the revocation list it reads) only if its route verifies tokens', () => {
    // Prepare
    const { file, exportName } = servedRoute(fn.handlerFile);
    const route = jest.requireActual<Record<string, RouteSpec | undefined>>(file)[exportName];
    const inputs = bundles.get(key)?.inputs ?? [];

    // Act
    const verifier = ['shared/src/auth.ts', 'shared/src/revocations.ts'].filter((module) => inputs.includes(module));

    // Assess: health probes and the platform's docs and 404 use http-public; a route with tokens must have both.
    // (The catch-all route has no path: it is not in the document.)
    const healthOrPlatform = (route as { path?: string } | undefined)?.path?.startsWith('/health/') === true || file.includes(`${path.sep}platform${path.sep}`);
    if (route?.auth !== false) expect(verifier).toEqual(['shared/src/auth.ts', 'shared/src/revocations.ts']);
    else if (healthOrPlatform) expect(verifier).toEqual([]);
  });

  test("carries none of the other routes' declarations", () => {
    // Prepare
    const { file, exportName } = servedRoute(fn.handlerFile);
    const own = jest.requireActual<Record<string, RouteSpec | undefined>>(file)[exportName];
    const text = bundles.get(key)?.text ?? '';
    // The services' health routes come from one factory that writes their summaries at run time.
    const literal = (route: RouteSpec | undefined): route is RouteSpec => route?.summary !== undefined && !route.path.startsWith('/health/');
    // GET /openapi.json serves the generated document, which names every route: its bundle holds it as JSON.
    const servesTheDocument = (bundles.get(key)?.inputs ?? []).includes('docs/openapi.json');

    // Act
    const foreign = documented.filter((route) => route !== own && literal(route) && hasLiteral(text, route.summary)).map((route) => route.operationId);

    // Assess
    if (literal(own)) expect(hasLiteral(text, own.summary)).toBe(true);
    expect(servesTheDocument ? [] : foreign).toEqual([]);
  });
});
