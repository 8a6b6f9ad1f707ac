// Builds the API's OpenAPI 3.1 document from the route modules of every service (services/*/src/routes): zod
// schemas become JSON Schema 2020-12 (OpenAPI 3.1's dialect), named ones become components, and every route
// gets the bearer security scheme and API.md's error responses. Pure: generate.ts writes the result.
import { errorStatuses } from '@photonotes/shared/http-route';
import type { ErrorStatus, HeaderParameter, ResponseSpec, RouteSpec, Schema } from '@photonotes/shared/http-route';
import { apiSchemas } from '@photonotes/shared/openapi';
import { limitParam } from '@photonotes/shared/validation';
import * as z from 'zod/mini';
import { ErrorBodySchema } from './error-body';

export type Json = Record<string, unknown>;

export interface ServiceRoutes {
  service: string;
  routes: RouteSpec[];
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

/** The tags of the document, in the order the docs page lists them. */
export const tags = [
  { name: 'auth', description: 'Sign-up, login and tokens (service `users`)' },
  { name: 'users', description: 'Profiles and accounts (service `users`)' },
  { name: 'notes', description: 'Notes, sharing and offline sync (service `core-api`)' },
  { name: 'media', description: 'Photo uploads and thumbnails (service `thumbnails`)' },
  { name: 'search', description: 'Full-text search over the notes you may see (service `search`)' },
  { name: 'notifications', description: 'Devices, push and the inbox (service `notifications`)' },
  { name: 'things', description: 'IoT things: registration, device credentials, telemetry, state and alerts (service `iot`)' },
  { name: 'health', description: 'Liveness of the API and of each service' },
  { name: 'docs', description: 'This document and the page that renders it' },
];

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** OpenAPI has no greedy parameter: `{key+}` is `{key}`, whose value may hold (encoded) slashes. */
export function openApiPath(routePath: string): string {
  return routePath.replace(/\{([^}+]+)\+\}/g, '{$1}');
}

const standardErrors: Partial<Record<ErrorStatus, { name: string; description: string; message: string }>> = {
  400: { name: 'ValidationFailed', description: 'Invalid input: `details` lists the issues ({ location, path, message, code })', message: 'Request validation failed' },
  401: { name: 'Unauthorized', description: 'Missing, expired or invalid access token', message: 'Unauthorized' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than 1 MiB', message: 'Payload too large' },
  415: { name: 'UnsupportedMediaType', description: 'The body is not application/json', message: 'Unsupported media type' },
  500: { name: 'Internal', description: 'An unexpected error; the body never carries a stack trace or an AWS message', message: 'Internal server error' },
};

function errorExample(status: ErrorStatus, message: string): Json {
  const error: Json = { code: errorStatuses[status], message, requestId: '5f0c6a52-3f0e-4a8e-9a55-0d2c7c2b8f41' };
  if (status === 400) error.details = [{ location: 'body', path: 'title', message: 'must be 1 to 200 characters', code: 'custom' }];
  return { error };
}

function errorResponse(status: ErrorStatus, description: string, message: string): Json {
  return {
    description,
    headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' }, example: errorExample(status, message) } },
  };
}

/** JSON Schema keywords zod writes that say nothing to a reader: the safe-integer bounds and the datetime regex. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'pattern' && (node as Json).format === 'date-time') continue;
    out[key] = tidy(value);
  }
  return out;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? value.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(value)]),
  );
}

class SchemaConverter {
  readonly components: Record<string, Json> = {};

  /** `input` for what clients send (before defaults and transforms), `output` for what the API answers. */
  convert(schema: Schema, io: 'input' | 'output', where: string): Json {
    let json: Json;
    try {
      json = z.toJSONSchema(schema, {
        io,
        metadata: apiSchemas,
        unrepresentable: 'throw',
        override: (ctx) => {
          // The shared `limit` accepts exactly the decimal integers 1..100: an integer parameter, as apps send it.
          if (ctx.zodSchema === limitParam) {
            for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Json)[key];
            Object.assign(ctx.jsonSchema, { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Page size' });
          }
        },
      }) as Json;
    } catch (error) {
      throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { $schema: _dialect, $defs, ...rest } = json;
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, Json>)) this.addComponent(name, rewriteRefs(tidy(definition)) as Json, where);
    return rewriteRefs(tidy(rest)) as Json;
  }

  private addComponent(name: string, definition: Json, where: string): void {
    const existing = this.components[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(definition)) {
      throw new Error(`${where}: the schema ${name} converts differently in two places (a request and a response?): name only one of them`);
    }
    this.components[name] = definition;
  }
}

interface ObjectSchema {
  properties?: Record<string, Json>;
  required?: string[];
}

function parameters(converter: SchemaConverter, schema: Schema, location: 'path' | 'query', where: string): Json[] {
  const json = converter.convert(schema, 'input', where) as ObjectSchema & Json;
  if (json.type !== 'object' || !json.properties) throw new Error(`${where}: ${location} parameters must be a zod object`);
  return Object.entries(json.properties).map(([name, property]) => {
    const { description, example, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(description === undefined ? {} : { description }),
      ...(example === undefined ? {} : { example }),
      schema: propertySchema,
    };
  });
}

function headerParameter(header: HeaderParameter): Json {
  return {
    name: header.name,
    in: 'header',
    required: header.required ?? false,
    description: header.description,
    schema: header.schema ?? { type: 'string' },
    ...(header.example === undefined ? {} : { example: header.example }),
  };
}

function successResponse(converter: SchemaConverter, status: string, spec: ResponseSpec, where: string): Json {
  const headers: Json = { 'x-request-id': { $ref: '#/components/headers/RequestId' } };
  for (const [name, header] of Object.entries(spec.headers ?? {})) headers[name] = { description: header.description, schema: header.schema ?? { type: 'string' } };
  const response: Json = { description: spec.description, headers };
  if (status === '204') return response;
  const schema = spec.schema ? converter.convert(spec.schema, 'output', `${where} response ${status}`) : { type: 'object' };
  response.content = { [spec.contentType ?? 'application/json']: { schema, ...(spec.example === undefined ? {} : { example: spec.example }) } };
  return response;
}

function operation(converter: SchemaConverter, route: RouteSpec, service: string): Json {
  const where = `${service}: ${route.method} ${route.path}`;
  const auth = route.auth ?? true;
  const params: Json[] = [];
  if (route.params) params.push(...parameters(converter, route.params, 'path', `${where} path`));
  if (route.query) params.push(...parameters(converter, route.query, 'query', `${where} query`));
  for (const header of route.headers ?? []) params.push(headerParameter(header));

  const declared = [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1]);
  const documented = params.filter((param) => param.in === 'path').map((param) => param.name);
  if (declared.join() !== documented.join()) throw new Error(`${where}: path parameters {${declared.join(', ')}} but params schema has [${documented.join(', ')}]`);

  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) if (spec) responses[status] = successResponse(converter, status, spec, where);
  const hasInput = Boolean(route.body ?? route.query ?? route.params ?? route.headers?.length);
  const errors: Partial<Record<ErrorStatus, string | undefined>> = {
    ...(hasInput ? { 400: undefined } : {}),
    ...(auth ? { 401: auth === 'optional' ? 'An Authorization header was sent, with an expired or invalid access token' : undefined } : {}),
    ...(typeof auth === 'object' ? { 403: `The caller is not in the \`${auth.group}\` group` } : {}),
    ...(route.body ? { 413: undefined, 415: undefined } : {}),
    500: undefined,
    ...route.errors,
  };
  for (const status of Object.keys(errors).map(Number).sort((a, b) => a - b) as ErrorStatus[]) {
    if (String(status) in responses) continue;
    const standard = standardErrors[status];
    const description = errors[status];
    responses[status] =
      description === undefined && standard
        ? { $ref: `#/components/responses/${standard.name}` }
        : errorResponse(status, description ?? errorStatuses[status], standard?.message ?? description ?? errorStatuses[status]);
  }

  const op: Json = { operationId: route.operationId, summary: route.summary };
  if (route.description) op.description = route.description;
  op.tags = route.tags;
  if (!auth) op.security = [];
  // OpenAPI's way of saying "a token is optional": no requirement, or the bearer scheme.
  if (auth === 'optional') op.security = [{}, { bearerAuth: [] }];
  if (params.length > 0) op.parameters = params;
  if (route.body) {
    const schema = converter.convert(route.body, 'input', `${where} body`);
    op.requestBody = {
      required: route.bodyRequired ?? true,
      content: { 'application/json': { schema, ...(route.bodyExample === undefined ? {} : { example: route.bodyExample }) } },
    };
  }
  op.responses = responses;
  if (route.localOnly) op['x-local-only'] = true;
  return op;
}

export function buildDocument(services: ServiceRoutes[], info: DocumentInfo): Json {
  const converter = new SchemaConverter();
  const paths: Record<string, Record<string, Json>> = {};
  const operationIds = new Set<string>();
  const knownTags = new Set(tags.map((tag) => tag.name));
  for (const { service, routes } of services) {
    for (const route of routes) {
      const where = `${service}: ${route.method} ${route.path}`;
      if (route.service !== service) throw new Error(`${where}: the route names the service ${route.service}`);
      if (!methods.includes(route.method)) throw new Error(`${where}: unknown method`);
      if (operationIds.has(route.operationId)) throw new Error(`${where}: operationId ${route.operationId} is used twice`);
      operationIds.add(route.operationId);
      for (const tag of route.tags) if (!knownTags.has(tag)) throw new Error(`${where}: unknown tag ${tag} (add it to scripts/openapi/document.ts)`);
      const item = (paths[openApiPath(route.path)] ??= {});
      const method = route.method.toLowerCase();
      if (item[method]) throw new Error(`${where}: declared twice`);
      item[method] = operation(converter, route, service);
    }
  }
  const errorBody = converter.convert(ErrorBodySchema, 'output', 'ErrorBody');
  const responses: Json = {};
  for (const [status, standard] of Object.entries(standardErrors)) {
    responses[standard.name] = errorResponse(Number(status) as ErrorStatus, standard.description, standard.message);
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    tags,
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The `accessToken` from POST /auth/login or POST /auth/refresh (a Cognito access token; an id token is refused).',
        },
      },
      headers: {
        RequestId: { description: 'Identifies the request in the logs; error bodies repeat it. A well-formed client-sent x-request-id is echoed.', schema: { type: 'string' } },
      },
      responses,
      schemas: Object.fromEntries(Object.entries({ ...converter.components, ...(errorBody.$ref ? {} : { ErrorBody: errorBody }) }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
  };
}
