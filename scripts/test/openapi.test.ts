// The OpenAPI document cannot drift: the committed file is what the services' api.ts generate, it lists exactly
// the routes the serverless.yml files declare, and each route documents the very schemas its handler validates.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RouteSpec } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { buildDocument, openApiPath } from '../openapi/document';
import type { Json } from '../openapi/document';
import { documentFile, generateDocument, loadServiceRoutes, serialiseDocument } from '../openapi/generate';
import { loadServiceDefinitions, readYaml, repoRoot } from '../platform/service-definitions';

type Operation = Json & { operationId: string; security?: unknown[]; 'x-local-only'?: boolean };

// What the services describe now; the first test holds the committed file to it.
let fresh: Json;
let paths: Record<string, Record<string, Operation>>;
let documentedRoutes: string[];

beforeAll(async () => {
  fresh = await generateDocument();
  paths = fresh.paths as Record<string, Record<string, Operation>>;
  documentedRoutes = Object.entries(paths).flatMap(([routePath, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${routePath}`));
});

describe('docs/openapi.json', () => {
  test('is what `npm run openapi` generates from the services now', () => {
    // Assess
    expect(readFileSync(documentFile, 'utf8')).toBe(serialiseDocument(fresh));
  });

  test("the client's generated types and routes are fresh too", () => {
    // Act: the generator's own check (openapi-typescript runs outside jest's module system)
    const run = () => execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/openapi/generate.ts', '--check'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' });

    // Assess
    expect(run).not.toThrow();
  });

  test('is OpenAPI 3.1 with the bearer scheme on every route but the public ones', () => {
    // Assess
    expect(fresh.openapi).toBe('3.1.0');
    expect((fresh.components as Json).securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }) });
    expect(fresh.security).toEqual([{ bearerAuth: [] }]);
    const publicRoutes = Object.entries(paths).flatMap(([routePath, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.security?.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${routePath}`),
    );
    // API.md: every route except /auth/* (logout needs the token), GET /health and the docs requires a token.
    expect(publicRoutes.sort()).toEqual(
      [
        'GET /health',
        ...['users', 'core-api', 'search', 'notifications', 'thumbnails'].map((service) => `GET /health/${service}`),
        'GET /openapi.json',
        'GET /docs',
        'GET /docs/assets/{file}',
        'POST /auth/signup',
        'POST /auth/confirm',
        'POST /auth/login',
        'POST /auth/refresh',
      ].sort(),
    );
  });

  test('every error response is the API error body', () => {
    // Prepare
    const responses = (fresh.components as { responses: Record<string, Json> }).responses;
    const resolve = (response: Json) => (typeof response.$ref === 'string' ? (responses[response.$ref.split('/').pop() ?? ''] ?? {}) : response);

    // Assess
    for (const item of Object.values(paths)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
          if (Number(status) < 400 || op.operationId.startsWith('health')) continue;
          expect({ op: op.operationId, status, content: resolve(response).content }).toEqual({
            op: op.operationId,
            status,
            content: { 'application/json': expect.objectContaining({ schema: { $ref: '#/components/schemas/ErrorBody' } }) },
          });
        }
      }
    }
  });
});

describe('the document and the serverless.yml routes', () => {
  const services = loadServiceDefinitions();
  // The catch-all answers unknown routes with the API's 404: it is not an operation.
  const declared = services.flatMap((service) => service.routes.filter((route) => route.path !== '*').map((route) => `${route.method} ${openApiPath(route.path)}`));

  test('every route a service declares is in the document', () => {
    // Assess
    expect(declared.filter((route) => !documentedRoutes.includes(route))).toEqual([]);
  });

  test('the document lists no route that does not exist', () => {
    // Assess
    expect(documentedRoutes.filter((route) => !declared.includes(route))).toEqual([]);
  });

  test('exactly the /dev/ routes are marked local-only', () => {
    // Assess
    for (const [routePath, item] of Object.entries(paths)) {
      for (const op of Object.values(item)) expect({ routePath, localOnly: op['x-local-only'] === true }).toEqual({ routePath, localOnly: routePath.startsWith('/dev/') });
    }
  });
});

interface RawFunction {
  handler?: string;
  events?: Array<{ httpApi?: { method?: string; path?: string } | string }>;
}

/** The local stage's functions of a service, stage fragments (`${file(x.yml):${sls:stage}.name, null}`) included. */
function localFunctions(dir: string): RawFunction[] {
  const raw = readYaml<{ functions?: Record<string, RawFunction | string | null> }>(path.join(dir, 'serverless.yml'));
  return Object.entries(raw.functions ?? {}).flatMap(([name, fn]) => {
    if (typeof fn !== 'string') return fn ? [fn] : [];
    const fragment = /^\$\{file\(([^)]+)\):\$\{sls:stage\}\.([\w-]+)/.exec(fn);
    if (!fragment?.[1]) throw new Error(`${dir}: cannot read function ${name}: ${fn}`);
    const local = readYaml<Record<string, Record<string, RawFunction> | undefined>>(path.join(dir, fragment[1])).local?.[fragment[2] ?? name];
    return local ? [local] : [];
  });
}

interface HandlerInputs {
  auth: boolean;
  schemas: Partial<Record<'body' | 'query' | 'params', unknown>>;
}

/** What a handler file passes to the shared http() factory: auth, and the schema objects (through its imports). */
function handlerInputs(file: string): HandlerInputs {
  const source = readFileSync(file, 'utf8');
  if (/\bhealthHandler\(/.test(source)) return { auth: false, schemas: {} };
  const options = /\bhttp\(\{([^}]*)\}\)/.exec(source)?.[1];
  if (options === undefined) throw new Error(`${file}: no http({...}) call`);
  const imports = new Map<string, string>();
  for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    for (const name of (match[1] ?? '').split(',').map((part) => part.trim()).filter(Boolean)) imports.set(name, match[2] ?? '');
  }
  const schemas: HandlerInputs['schemas'] = {};
  for (const [, key, name] of options.matchAll(/\b(body|query|path):\s*([A-Za-z_$][\w$]*)/g)) {
    const from = imports.get(name ?? '');
    if (!from?.startsWith('.')) throw new Error(`${file}: schema ${name} is not imported from a module of the service, so api.ts cannot document it`);
    const module = jest.requireActual<Record<string, unknown>>(path.resolve(path.dirname(file), from));
    schemas[key === 'path' ? 'params' : (key as 'body' | 'query')] = module[name ?? ''];
  }
  return { auth: !/\bauth:\s*false\b/.test(options), schemas };
}

describe('each route and its handler', () => {
  test('document the same schemas and the same auth', async () => {
    // Prepare
    const routesByService = new Map((await loadServiceRoutes()).map(({ service, routes }) => [service, routes]));
    const mismatches: string[] = [];

    // Act
    for (const service of loadServiceDefinitions()) {
      const specs = routesByService.get(service.name) ?? [];
      for (const fn of localFunctions(service.dir)) {
        for (const event of fn.events ?? []) {
          const httpApi = event.httpApi;
          if (!httpApi || typeof httpApi === 'string') continue;
          const key = `${(httpApi.method ?? '*').toUpperCase()} ${httpApi.path}`;
          const spec: RouteSpec | undefined = specs.find((route) => `${route.method} ${route.path}` === key);
          if (!spec) {
            mismatches.push(`${service.name}: ${key} has no route in src/api.ts`);
            continue;
          }
          const handler = handlerInputs(path.join(service.dir, `${(fn.handler ?? '').replace(/\.[^.]+$/, '')}.ts`));
          if (handler.auth !== (spec.auth ?? true)) mismatches.push(`${service.name}: ${key}: the handler has auth ${handler.auth}, api.ts ${spec.auth ?? true}`);
          for (const part of ['body', 'query', 'params'] as const) {
            if (handler.schemas[part] !== spec[part]) mismatches.push(`${service.name}: ${key}: api.ts documents another ${part} schema than the handler validates with`);
          }
        }
      }
    }

    // Assess
    expect(mismatches).toEqual([]);
  });
});

describe('buildDocument refuses a broken description', () => {
  const info = { title: 't', version: '1', description: 'd' };
  const route = (overrides: Partial<RouteSpec>): RouteSpec => ({ method: 'GET', path: '/x', operationId: 'x', summary: 's', tags: ['notes'], responses: { 204: { description: 'ok' } }, ...overrides });

  test.each([
    ['an operation id used twice', [route({}), route({ path: '/y' })], /operationId x is used twice/],
    ['a route declared twice', [route({}), route({ operationId: 'y' })], /declared twice/],
    ['a path parameter without a schema', [route({ path: '/x/{id}' })], /path parameters \{id\}/],
    ['a params schema for a path without parameters', [route({ params: z.object({ id: z.string() }) })], /path parameters \{\}/],
    ['an unknown tag', [route({ tags: ['misc'] })], /unknown tag misc/],
    ['a schema that JSON Schema cannot express', [route({ method: 'POST', body: z.object({ at: z.date() }) })], /POST \/x body/],
  ])('%s', (_, routes, message) => {
    // Act
    const build = () => buildDocument([{ service: 'svc', routes }], info);

    // Assess
    expect(build).toThrow(message);
  });
});
