// The HTTP functions of every service as the local stage deploys them (stage fragments included), with their
// handler file, their httpApi events and the route module the handler serves. For the tests that tie
// serverless.yml, route modules, handlers and bundles together.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadServiceDefinitions, readYaml } from '../../platform/service-definitions';

export interface HttpFunction {
  service: string;
  serviceDir: string;
  name: string;
  handlerFile: string;
  /** `METHOD /path` as serverless.yml writes it, or `*` for the catch-all. */
  events: string[];
}

interface RawFunction {
  handler?: string;
  events?: Array<{ httpApi?: { method?: string; path?: string } | string }>;
}

/** The local stage's functions of a service, stage fragments (`${file(x.yml):${sls:stage}.name, null}`) included. */
function localFunctions(dir: string): Array<[string, RawFunction]> {
  const raw = readYaml<{ functions?: Record<string, RawFunction | string | null> }>(path.join(dir, 'serverless.yml'));
  return Object.entries(raw.functions ?? {}).flatMap(([name, fn]): Array<[string, RawFunction]> => {
    if (typeof fn !== 'string') return fn ? [[name, fn]] : [];
    // A function a stage param turns on (`${file(./x.cjs), null}`, e.g. users' logShipper): as the local stage's params
    // (all empty) define it.
    const gated = /^\$\{file\(([^):]+\.cjs)\)(?:, null)?\}$/.exec(fn);
    if (gated?.[1]) {
      const { definition } = createRequire(__filename)(path.join(dir, gated[1])) as { definition?: (params: Record<string, string>) => RawFunction | null };
      if (typeof definition !== 'function') throw new Error(`${dir}: ${gated[1]} exports no synchronous definition`);
      const local = definition({ endpoint: '', domainArn: '', stage: 'local' });
      return local ? [[name, local]] : [];
    }
    const fragment = /^\$\{file\(([^)]+)\):\$\{sls:stage\}\.([\w-]+)/.exec(fn);
    if (!fragment?.[1]) throw new Error(`${dir}: cannot read function ${name}: ${fn}`);
    const local = readYaml<Record<string, Record<string, RawFunction> | undefined>>(path.join(dir, fragment[1])).local?.[fragment[2] ?? name];
    return local ? [[name, local]] : [];
  });
}

export function httpFunctions(): HttpFunction[] {
  return loadServiceDefinitions().flatMap((service) =>
    localFunctions(service.dir).flatMap(([name, fn]) => {
      const events = (fn.events ?? []).flatMap((event) => {
        const httpApi = event.httpApi;
        if (!httpApi) return [];
        return typeof httpApi === 'string' ? [httpApi] : [`${(httpApi.method ?? '*').toUpperCase()} ${httpApi.path}`];
      });
      if (events.length === 0) return [];
      const handlerFile = path.join(service.dir, `${(fn.handler ?? '').replace(/\.[^.]+$/, '')}.ts`);
      return [{ service: service.name, serviceDir: service.dir, name, handlerFile, events }];
    }),
  );
}

export interface ServedRoute {
  /** The route module's file. */
  file: string;
  /** The name the route is exported under. */
  exportName: string;
}

/** Route modules live in a service's src/routes or src/<area>/routes folder. */
export function isRouteModule(file: string): boolean {
  return /\/src\/(?:[\w-]+\/)?routes\/[\w-]+\.ts$/.test(file);
}

/**
 * The route a handler serves: the one argument of its `http(route)` or the first of `healthHandler(route, ...)`,
 * imported from a route module. Throws when the handler is built any other way.
 */
export function servedRoute(handlerFile: string): ServedRoute {
  const source = readFileSync(handlerFile, 'utf8');
  const calls = [...source.matchAll(/\b(?:http\(\s*([A-Za-z_$][\w$]*)\s*[,)]|healthHandler\(\s*([A-Za-z_$][\w$]*)\s*,)/g)];
  if (calls.length !== 1) throw new Error(`${handlerFile}: expected exactly one http(route) or healthHandler(route, ...) call, found ${calls.length}`);
  const name = calls[0]?.[1] ?? calls[0]?.[2] ?? '';
  for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    const names = (match[1] ?? '').split(',').map((part) => part.trim());
    if (!names.includes(name)) continue;
    const file = `${path.resolve(path.dirname(handlerFile), match[2] ?? '')}.ts`;
    if (!isRouteModule(file)) throw new Error(`${handlerFile}: ${name} is not imported from a route module (src/routes/*.ts)`);
    return { file, exportName: name };
  }
  throw new Error(`${handlerFile}: ${name} is not imported by name from a route module`);
}
