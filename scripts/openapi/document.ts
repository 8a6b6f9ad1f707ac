// Builds the API's OpenAPI 3.1 document from the route modules of every service (services/*/src/routes): zod
// schemas become JSON Schema 2020-12 (OpenAPI 3.1's dialect), named ones become components, and every route
// gets the bearer security scheme and API.md's error responses. Pure: generate.ts writes the result.
import { errorStatuses } from '@photonotes/shared/http-route';
import type { ErrorStatus, HeaderParameter, ResponseSpec, RouteSpec, Schema } from '@photonotes/shared/http-route';
import { apiSchemas } from '@photonotes/shared/openapi';
import { limitParam } from '@photonotes/shared/validation';
import * as z from 'zod/mini';
import { ErrorBodySchema } from './error-body';
import { ExampleBuilder } from './examples';
import { patternFacts } from './pattern-facts';
import { eachMedia } from './walk';
import type { Paths } from './walk';

export type Json = Record<string, unknown>;

export interface ServiceRoutes {
  service: string;
  routes: RouteSpec[];
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
  /** The package's SPDX licence identifier. */
  license: string;
  /** Where the API answers, first the default of the tools that read the document. */
  servers: ServerEntry[];
}

/** An OpenAPI server, with what the OWASP ruleset asks of each: its environment and whether it is internal. */
export interface ServerEntry {
  url: string;
  description: string;
  'x-internal': boolean;
  variables?: Record<string, { default: string; description: string }>;
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
  { name: 'analytics', description: 'App and server events, daily metrics, retention (service `analytics`)' },
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
  const headers: Json = { 'x-request-id': { $ref: '#/components/headers/RequestId' } };
  // A rate limit of the API's own (RateLimitedError) sends Retry-After when it knows when the limit frees up.
  if (status === 429) headers['Retry-After'] = { $ref: '#/components/headers/RetryAfter' };
  return { description, headers, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' }, example: errorExample(status, message) } } };
}

/** API Gateway's own answer to a throttled request: not the API's error body, and no headers of ours. */
const throttledResponse: Json = {
  description:
    "Deployed stages only: the stage's request rate (API Gateway throttling, `apiThrottleRateLimit`/`apiThrottleBurstLimit`) is exceeded. API Gateway answers with its own body and neither `Retry-After` nor `x-request-id`: back off (exponentially, with jitter) and retry.",
  content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' }, example: { message: 'Too Many Requests' } } },
};

const int32 = { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 };
// zod's z.uuid() and z.guid() check the canonical 8-4-4-4-12 form: exactly 36 characters.
const fixedLengthFormats: Record<string, number> = { uuid: 36 };

/**
 * Bounds the zod schema enforces that its JSON Schema leaves implicit: the length an anchored regex admits
 * (`^[0-9]{4,10}$` is at most 10 characters), a fixed-length format's, and the integer format its range fits.
 */
function explicitBounds(node: Json): void {
  if (node.type === 'string' && node.maxLength === undefined) {
    const fromPattern = typeof node.pattern === 'string' ? patternFacts(node.pattern).maxLength : undefined;
    const fromFormat = typeof node.format === 'string' ? fixedLengthFormats[node.format] : undefined;
    const maxLength = fromPattern ?? fromFormat;
    if (maxLength !== undefined) node.maxLength = maxLength;
  }
  if (node.type === 'integer' && node.format === undefined) {
    const fits32 = typeof node.minimum === 'number' && typeof node.maximum === 'number' && node.minimum >= int32.minimum && node.maximum <= int32.maximum;
    node.format = fits32 ? 'int32' : 'int64';
  }
}

/** JSON Schema keywords zod writes that say nothing to a reader (the safe-integer bounds, the datetime regex), and explicitBounds. */
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
  explicitBounds(out);
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
    schema: tidy(header.schema ?? { type: 'string' }),
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
    // Every route of a deployed stage sits behind the HTTP API's stage throttle; a route's own limit re-describes it.
    ...(route.localOnly ? {} : { 429: undefined }),
    500: undefined,
    ...route.errors,
  };
  for (const status of Object.keys(errors).map(Number).sort((a, b) => a - b) as ErrorStatus[]) {
    if (String(status) in responses) continue;
    const description = errors[status];
    if (status === 429) {
      // Undescribed, it is the stage throttle alone. A route's own limit answers the API's error body; the stage
      // throttle in front of it still answers its own.
      const throttle = route.localOnly ? '' : " Deployed, API Gateway's stage throttle may answer 429 first, with its own body and no Retry-After (see the Throttled response).";
      responses[status] = description === undefined ? { $ref: '#/components/responses/Throttled' } : errorResponse(status, `${description}.${throttle}`, description);
      continue;
    }
    const standard = standardErrors[status];
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
  const paths: Paths = {};
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
  // The shared responses in the order of their statuses.
  const responses = Object.fromEntries(
    [
      ...Object.entries(standardErrors).map(([status, standard]) => [Number(status), standard.name, errorResponse(Number(status) as ErrorStatus, standard.description, standard.message)] as const),
      [429, 'Throttled', throttledResponse] as const,
    ]
      .sort(([a], [b]) => a - b)
      .map(([, name, response]) => [name, response]),
  );
  const schemas = Object.fromEntries(
    Object.entries({ ...converter.components, ...(errorBody.$ref ? {} : { ErrorBody: errorBody }), GatewayError: gatewayErrorSchema }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  addMissingExamples(paths, new ExampleBuilder(schemas));
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description, license: { name: info.license, identifier: info.license } },
    servers: info.servers,
    tags,
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The `accessToken` from POST /auth/login or POST /auth/refresh (a Cognito access token; an id token is refused). Verified as RFC8725 advises: only RS256 with the issuer\'s published keys (`alg: none` and any other algorithm are refused), and the issuer, expiry, token use (`access`) and app client are checked.',
        },
      },
      headers: {
        RequestId: { description: 'Identifies the request in the logs; error bodies repeat it. A well-formed client-sent x-request-id is echoed.', schema: { type: 'string' } },
        RetryAfter: {
          description: 'Seconds to wait before trying again, sent when the limit knows when it frees up (an hourly allowance, a quota, a batch rate); a limit of the identity provider (sign-up, login, refresh) sends none: back off.',
          schema: { type: 'integer', format: 'int32', minimum: 1 },
          example: 30,
        },
      },
      responses,
      schemas,
    },
  };
}

const gatewayErrorSchema: Json = {
  type: 'object',
  description: "API Gateway's own error body (a throttled request), not the API's: `{ \"message\": \"Too Many Requests\" }`.",
  properties: { message: { type: 'string' } },
  required: ['message'],
};

/** Gives every request body and response without an example one built from its schema (examples.ts). */
function addMissingExamples(paths: Paths, builder: ExampleBuilder): void {
  eachMedia(paths, (media, where, type) => {
    if (media.example !== undefined || !media.schema) return;
    try {
      media.example = builder.build(media.schema);
    } catch (error) {
      throw new Error(`${where} ${type}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
