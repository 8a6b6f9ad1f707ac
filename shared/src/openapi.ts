// How a service describes its HTTP routes for the OpenAPI document: each service lists them in `src/api.ts`
// with the very zod schemas its handlers validate with, and scripts/openapi/generate.ts merges the five lists
// into docs/openapi.json. Only that generator, the tests and the services' api.ts import this module: Lambda
// handlers never do, so it costs no bundle bytes.
import * as z from 'zod/mini';
import type { ErrorBody, ErrorCode } from './errors';
import type { ServiceHealth } from './health';

export type Schema = z.ZodMiniType;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it) written by hand, for what zod does not validate (headers). */
export type JsonSchema = Record<string, unknown>;

/** The error statuses of API.md, each with its code. 500 is added to every route by the generator. */
export const errorStatuses = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
  503: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<number, ErrorCode>;
export type ErrorStatus = keyof typeof errorStatuses;
// Fails to compile when errors.ts gains a code that has no status here.
const _everyCodeHasAStatus: ErrorCode extends (typeof errorStatuses)[ErrorStatus] ? true : never = true;

export interface HeaderSpec {
  description: string;
  schema?: JsonSchema;
}

export interface HeaderParameter extends HeaderSpec {
  name: string;
  required?: boolean;
  example?: string;
}

export interface ResponseSpec {
  description: string;
  /** The body: documented with zod's output types (what the handler sends), validated by nothing at run time. */
  schema?: Schema;
  /** Default `application/json`. */
  contentType?: string;
  /** Response headers besides `x-request-id`, which every response has. */
  headers?: Record<string, HeaderSpec>;
  example?: unknown;
}

export interface RouteSpec {
  method: HttpMethod;
  /** Exactly as the service's serverless.yml declares it (a greedy `{key+}` included). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Default true: the route requires `Authorization: Bearer <accessToken>`. */
  auth?: boolean;
  /** The route exists only in the `local` stage (`x-local-only` in the document). */
  localOnly?: boolean;
  body?: Schema;
  /** Default true when `body` is given; false where an empty body is accepted (POST /auth/logout). */
  bodyRequired?: boolean;
  bodyExample?: unknown;
  query?: Schema;
  params?: Schema;
  headers?: HeaderParameter[];
  /** Success answers, and any other status whose body is not the error body (a health route's 503). */
  responses: Partial<Record<number, ResponseSpec>>;
  /**
   * The errors this route answers besides the ones every route of its kind has (401 with auth, 400 with
   * input, 413/415 with a body, 500 always), each with what it means here. A generic one may be re-described.
   */
  errors?: Partial<Record<ErrorStatus, string>>;
}

/** Checks the shape at compile time; the generator checks the rest (unique operation ids, known paths). */
export function defineRoute(route: RouteSpec): RouteSpec {
  return route;
}

/**
 * Metadata the generator passes to zod's JSON Schema conversion: an `id` makes a schema a named component
 * (`#/components/schemas/<id>`); any other key (description, example, minLength...) is copied into its JSON
 * Schema. Keyed by schema object, so api.ts can describe the handlers' schemas without touching them.
 */
export interface SchemaMeta {
  id?: string;
  description?: string;
  [key: string]: unknown;
}

export const apiSchemas = z.registry<SchemaMeta>();
const namedSchemas = new Map<string, Schema>();

/** Makes `schema` the named component `id` of the document; one name, one schema across all services. */
export function named<S extends Schema>(id: string, schema: S, description?: string): S {
  const existing = namedSchemas.get(id);
  if (existing && existing !== schema) throw new Error(`Two schemas are named ${id}: give one of them another name`);
  namedSchemas.set(id, schema);
  apiSchemas.add(schema, { ...apiSchemas.get(schema), ...(description === undefined ? { id } : { id, description }) });
  return schema;
}

/** Documents `schema` with extra JSON Schema keywords (a refine-based length rule, a description). */
export function annotate<S extends Schema>(schema: S, meta: Omit<SchemaMeta, 'id'>): S {
  apiSchemas.add(schema, { ...apiSchemas.get(schema), ...meta });
  return schema;
}

type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * A response schema for the domain type `T`: `describes<Note>()(z.object({...}))` does not compile when the
 * schema's output and `T` differ, so the document cannot drift from what the handlers return.
 */
export function describes<T>() {
  return <S extends Schema>(schema: S, ..._mismatch: SameType<z.output<S>, T> extends true ? [] : ['the schema does not describe the type']): S => schema;
}

/** ISO-8601 UTC timestamps, as every date of the API is written. */
export const timestamp = annotate(z.string(), { format: 'date-time', example: '2026-11-28T09:00:00.000Z' });

/** API.md's error body, as the shared chain writes it (shared/src/errors.ts). */
export const ErrorBodySchema = named(
  'ErrorBody',
  describes<ErrorBody>()(
    z.object({
      error: z.object({
        code: z.enum(Object.values(errorStatuses) as [ErrorCode, ...ErrorCode[]]),
        message: z.string(),
        details: z.optional(z.array(z.unknown())),
        requestId: z.string(),
      }),
    }),
  ),
  'Every error: the status code plus this body. `details` lists validation issues ({ location, path, message, code }) or, on a 412, the current resource.',
);

const ThumbnailSchema = named('Thumbnail', z.object({ url: annotate(z.string(), { format: 'uri', description: 'Fetchable by the app as it is' }), width: z.int(), height: z.int() }));

/** A photo's thumbnails, as notes (core-api) and media (thumbnails) both show them. */
export const ThumbnailsSchema = named(
  'Thumbnails',
  z.object({ small: ThumbnailSchema, medium: ThumbnailSchema, large: ThumbnailSchema }),
  'Longest side 128, 512 and 1024 px (never upscaled), EXIF orientation applied, metadata stripped.',
);

/** `{ items, nextCursor }`: every paginated list of API.md. */
export function pageOf<S extends Schema>(item: S) {
  return z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
}

const checkStatus = z.enum(['ok', 'down']);
const ServiceHealthSchema = named(
  'ServiceHealth',
  describes<ServiceHealth>()(z.object({ status: checkStatus, checks: z.record(z.string(), checkStatus) })),
  "One service's own checks (its tables, topics, bucket, identity provider).",
);

/** `GET /health/<service>`: the per-service probe that `GET /health` aggregates (shared/src/health.ts). */
export function healthRoute(service: string): RouteSpec {
  return defineRoute({
    method: 'GET',
    path: `/health/${service}`,
    operationId: `health${service.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase())}`,
    summary: `Health of the ${service} service`,
    description: `The probe behind \`GET /health\`: checks what the ${service} service owns. Meant for operators and the aggregate health route, not for apps.`,
    tags: ['health'],
    auth: false,
    responses: {
      200: { description: 'Every check passed', schema: ServiceHealthSchema },
      503: { description: 'A check failed; the failing ones are marked `down`', schema: ServiceHealthSchema },
    },
  });
}
