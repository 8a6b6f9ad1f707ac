// The OpenAPI document cannot drift: the committed file is what the services' route modules generate, it lists
// exactly the routes the serverless.yml files declare, and each function serves the very route object the
// document was generated from.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorBody } from '@photonotes/shared/errors';
import { requireGroup } from '@photonotes/shared/http-route';
import type { RouteSpec } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';
import { buildDocument, openApiPath } from '../openapi/document';
import type { Json } from '../openapi/document';
import { ErrorBodySchema } from '../openapi/error-body';
import { deployedServer, documentFile, generateDocument, loadServiceRoutes, serialiseDocument } from '../openapi/generate';
import { component } from '../openapi/walk';
import { loadServiceDefinitions, repoRoot } from '../platform/service-definitions';
import { httpFunctions, servedRoute } from './support/http-functions';
import type { HttpFunction } from './support/http-functions';

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
        ...['users', 'core-api', 'search', 'notifications', 'thumbnails', 'iot', 'analytics'].map((service) => `GET /health/${service}`),
        'GET /openapi.json',
        'GET /docs',
        'GET /docs/assets/{file}',
        'POST /auth/signup',
        'POST /auth/confirm',
        'POST /auth/login',
        'POST /auth/refresh',
        'POST /auth/forgot',
        'POST /auth/reset',
        // Local stage only: the reset codes, read by someone who cannot log in (API.md, POST /auth/forgot).
        'GET /dev/mail-outbox',
      ].sort(),
    );
  });

  test('every error response is the API error body, but the stage throttle of API Gateway', () => {
    // Prepare
    const responses = (fresh.components as { responses: Record<string, Json> }).responses;
    const resolve = (response: Json) => (typeof response.$ref === 'string' ? (component(response.$ref, responses) ?? {}) : response);

    // Assess
    for (const item of Object.values(paths)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
          if (Number(status) < 400 || op.operationId.startsWith('health')) continue;
          // API Gateway answers a throttled request itself, with its own body (the next test).
          if (response.$ref === '#/components/responses/Throttled') continue;
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

describe('limits in the document', () => {
  test("every deployed operation documents a 429: API Gateway's stage throttle, or the route's own limit with Retry-After", () => {
    // Prepare
    const responses = (fresh.components as { responses: Record<string, Json> }).responses;

    // Assess
    expect(responses.Throttled).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' }, example: { message: 'Too Many Requests' } } } });
    for (const [routePath, item] of Object.entries(paths)) {
      for (const op of Object.values(item)) {
        const tooMany = (op.responses as Record<string, Json>)['429'];
        if (op['x-local-only']) {
          expect({ routePath, tooMany }).toEqual({ routePath, tooMany: undefined });
        } else if (tooMany?.$ref === undefined) {
          expect({ routePath, headers: tooMany?.headers }).toEqual({ routePath, headers: expect.objectContaining({ 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }) });
        } else {
          expect({ routePath, tooMany }).toEqual({ routePath, tooMany: { $ref: '#/components/responses/Throttled' } });
        }
      }
    }
  });

  test("a route's own rate limit keeps its description and gets Retry-After", () => {
    // Prepare
    const lookUp = paths['/users']?.get as Operation & { responses: Record<string, Json> };

    // Assess
    expect(lookUp.responses['429']).toMatchObject({ description: expect.stringMatching(/look-ups/), headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } });
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

/** What differs between serverless.yml's events, the routes the handlers serve and the document's routes. */
function routeMismatches(functions: HttpFunction[], routesByService: Map<string, RouteSpec[]>): string[] {
  const mismatches: string[] = [];
  for (const fn of functions) {
    const where = `${fn.service}/${fn.name}`;
    let served: RouteSpec | undefined;
    try {
      const { file, exportName } = servedRoute(fn.handlerFile);
      served = jest.requireActual<Record<string, RouteSpec | undefined>>(file)[exportName];
    } catch (err) {
      mismatches.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (served?.service !== fn.service) mismatches.push(`${where}: serves a route of the service ${served?.service}`);
    for (const event of fn.events) {
      if (event === '*') {
        // The catch-all is no operation: its route declares no method or path, and the document does not list it.
        if (served?.method !== undefined || served?.path !== undefined) mismatches.push(`${where}: the catch-all serves the route ${served?.method} ${served?.path}`);
        continue;
      }
      const documented = (routesByService.get(fn.service) ?? []).find((route) => `${route.method} ${route.path}` === event);
      if (!documented) mismatches.push(`${where}: ${event} has no route in src/routes/index.ts`);
      else if (documented !== served) mismatches.push(`${where}: ${event} is documented by ${documented.operationId}, but the handler serves ${served?.operationId ?? 'another route'}`);
    }
  }
  return mismatches;
}

describe('each function and its route', () => {
  const functions = httpFunctions();
  let routesByService: Map<string, RouteSpec[]>;

  beforeAll(async () => {
    routesByService = new Map((await loadServiceRoutes()).map(({ service, routes }) => [service, routes]));
  });

  test('a function serves the very route object the document lists for its serverless.yml event', () => {
    // Assess
    expect(routeMismatches(functions, routesByService)).toEqual([]);
  });

  test('every documented route is served by exactly one function', () => {
    // Prepare
    const served = functions.map((fn) => {
      const { file, exportName } = servedRoute(fn.handlerFile);
      return jest.requireActual<Record<string, RouteSpec>>(file)[exportName];
    });

    // Act
    const unserved = [...routesByService.values()].flat().filter((route) => served.filter((candidate) => candidate === route).length !== 1);

    // Assess
    expect(unserved.map((route) => route.operationId)).toEqual([]);
  });

  test('a handler that serves another route than its event is reported', () => {
    // Prepare: GET /notes/{id} handled by the PATCH handler, which serves updateNoteRoute
    const patchHandler = functions.find((fn) => fn.events.includes('PATCH /notes/{id}'))?.handlerFile ?? '';
    const swapped = functions.map((fn) => (fn.events.includes('GET /notes/{id}') ? { ...fn, handlerFile: patchHandler } : fn));

    // Act
    const mismatches = routeMismatches(swapped, routesByService);

    // Assess
    expect(mismatches).toEqual(['core-api/getNote: GET /notes/{id} is documented by getNote, but the handler serves updateNote']);
  });

  test('a handler that builds its chain without a route module is reported', () => {
    // Prepare: a handler file that declares its schemas inline
    const inline = path.join(repoRoot, 'shared', 'src', 'health.ts');
    const changed = functions.map((fn) => (fn.events.includes('GET /sync') ? { ...fn, handlerFile: inline } : fn));

    // Act
    const mismatches = routeMismatches(changed, routesByService);

    // Assess
    expect(mismatches).toEqual([expect.stringMatching(/^core-api\/sync: .*health\.ts: route is not imported by name from a route module$/)]);
  });
});

describe('ErrorBodySchema', () => {
  test('accepts what errors.ts writes', () => {
    // Prepare
    const body: ErrorBody = { error: { code: 'NOT_FOUND', message: 'Note not found', requestId: 'r1' } };

    // Assess
    expect(z.safeParse(ErrorBodySchema, body).success).toBe(true);
  });
});

describe('buildDocument refuses a broken description', () => {
  const info = { title: 't', version: '1', description: 'd', license: 'MIT', servers: [] };
  const route = (overrides: Partial<RouteSpec>): RouteSpec => ({ service: 'svc', method: 'GET', path: '/x', operationId: 'x', summary: 's', tags: ['notes'], responses: { 204: { description: 'ok' } }, ...overrides });

  test.each([
    ['an operation id used twice', [route({}), route({ path: '/y' })], /operationId x is used twice/],
    ['a route declared twice', [route({}), route({ operationId: 'y' })], /declared twice/],
    ['a path parameter without a schema', [route({ path: '/x/{id}' })], /path parameters \{id\}/],
    ['a params schema for a path without parameters', [route({ params: z.object({ id: z.string() }) })], /path parameters \{\}/],
    ['an unknown tag', [route({ tags: ['misc'] })], /unknown tag misc/],
    ['a route of another service', [route({ service: 'other' })], /names the service other/],
    ['a schema that JSON Schema cannot express', [route({ method: 'POST', body: z.object({ at: z.date() }) })], /POST \/x body/],
  ])('%s', (_, routes, message) => {
    // Act
    const build = () => buildDocument([{ service: 'svc', routes }], info);

    // Assess
    expect(build).toThrow(message);
  });
});

describe('buildDocument documents who may call a route', () => {
  const info = { title: 't', version: '1', description: 'd', license: 'MIT', servers: [] };
  const operationOf = (overrides: Partial<RouteSpec>): Operation & { responses: Record<string, Json> } => {
    const route: RouteSpec = { service: 'svc', method: 'GET', path: '/x', operationId: 'x', summary: 's', tags: ['notes'], responses: { 200: { description: 'ok' } }, ...overrides };
    const document = buildDocument([{ service: 'svc', routes: [route] }], info);
    return (document.paths as Record<string, Record<string, Operation & { responses: Record<string, Json> }>>)['/x']?.get as Operation & { responses: Record<string, Json> };
  };

  test("auth: 'optional' takes the bearer scheme or nothing, and documents the 401 of a bad token", () => {
    // Act
    const op = operationOf({ auth: 'optional' });

    // Assess
    expect(op.security).toEqual([{}, { bearerAuth: [] }]);
    expect(op.responses['401']).toMatchObject({ description: expect.stringMatching(/Authorization header was sent/) });
    expect(op.responses['403']).toBeUndefined();
  });

  test('requireGroup documents the 403 of a caller outside the group, besides the 401', () => {
    // Act
    const op = operationOf({ auth: requireGroup('admins') });

    // Assess
    expect(op.security).toBeUndefined();
    expect(op.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
    expect(op.responses['403']).toMatchObject({
      description: 'The caller is not in the `admins` group',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' }, example: { error: expect.objectContaining({ code: 'FORBIDDEN' }) } } },
    });
  });

  test("a route's own 403 description wins", () => {
    // Act
    const op = operationOf({ auth: requireGroup('admins'), errors: { 403: 'Analytics are for admins' } });

    // Assess
    expect(op.responses['403']).toMatchObject({ description: 'Analytics are for admins' });
  });
});

describe('deployedServer', () => {
  test('names the URL a build gives, for its stage', () => {
    // Assess
    expect(deployedServer({ serverUrl: 'https://api.photonotes.app/', stage: 'prod' })).toEqual({ url: 'https://api.photonotes.app', description: 'prod stage', 'x-internal': false });
  });

  test("without one, the HTTP API's default endpoint with its id and region as variables", () => {
    // Assess
    expect(deployedServer()).toMatchObject({ url: 'https://{apiId}.execute-api.{region}.amazonaws.com', variables: { apiId: expect.any(Object), region: expect.any(Object) } });
  });

  test('refuses a URL without TLS', () => {
    // Assess
    expect(() => deployedServer({ serverUrl: 'http://api.photonotes.app' })).toThrow(/https:\/\//);
  });
});
