// A route, declared once: what the HTTP chain needs to serve it (auth, the schemas it validates with) and what
// the OpenAPI document says about it. Each service keeps one module per route in src/routes/; its handler serves
// it with `http(route)` and scripts/openapi documents the very same object, so the two cannot disagree.
// Route modules only declare: no I/O, no environment, no clients. A handler bundles its own route module alone.
import type * as z from 'zod/mini';
import type { AuthContext, UserGroup } from './auth';
import type { ErrorCode } from './errors';

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

/** A route for the members of one user pool group: `auth: requireGroup('admins')`. */
export interface GroupRequirement {
  readonly group: UserGroup;
}

/**
 * Signed-in members of `group` only: a valid token is required as for `auth: true` (else 401), and a caller whose
 * token does not name the group (`cognito:groups`) gets 403 FORBIDDEN before the handler runs.
 */
export function requireGroup(group: UserGroup): GroupRequirement {
  return Object.freeze({ group });
}

/**
 * Who may call a route:
 * - `true` (the default): a signed-in caller, `Authorization: Bearer <accessToken>` (a valid Cognito access token), else 401;
 * - `false`: anyone, the Authorization header is never read;
 * - `'optional'`: anyone; without an Authorization header the caller is anonymous (`auth` null), with one the token
 *   must be valid exactly as for `true` (else 401) and the handler gets that caller;
 * - `requireGroup(group)`: as `true`, and a caller outside the group gets 403.
 */
export type RouteAuth = boolean | 'optional' | GroupRequirement;

/** The `auth` a handler gets for a route's `auth` setting. */
export type CallerOf<A extends RouteAuth> = A extends false ? null : A extends 'optional' ? AuthContext | null : AuthContext;

/** What the chain needs to serve a route: who logs it, who may call it, and what it validates. */
export interface HttpRoute<
  B extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  P extends Schema | undefined = Schema | undefined,
  A extends RouteAuth = RouteAuth,
> {
  /** Names the service in every log line. */
  service: string;
  /** Default true; see RouteAuth. */
  auth?: A;
  /** The JSON body (parsed, at most 1 MiB; an empty body is validated as `{}`). */
  body?: B;
  /** A lower body limit than the contract's 1 MiB (413 above it), for a route whose contract says so. */
  maxBodyBytes?: number;
  query?: Q;
  /** The path parameters; the handler gets them parsed as `path`. */
  params?: P;
}

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

/** A route of the OpenAPI document: what the chain needs, plus what the document says. */
export interface RouteSpec<
  B extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  P extends Schema | undefined = Schema | undefined,
  A extends RouteAuth = RouteAuth,
> extends HttpRoute<B, Q, P, A> {
  method: HttpMethod;
  /** Exactly as the service's serverless.yml declares it (a greedy `{key+}` included). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The route exists only in the `local` stage (`x-local-only` in the document). */
  localOnly?: boolean;
  /** Default true when `body` is given; false where an empty body is accepted (POST /auth/logout). */
  bodyRequired?: boolean;
  bodyExample?: unknown;
  headers?: HeaderParameter[];
  /** Success answers, and any other status whose body is not the error body (a health route's 503). */
  responses: Partial<Record<number, ResponseSpec>>;
  /**
   * The errors this route answers besides the ones every route of its kind has (401 with auth, 403 with a group
   * requirement, 400 with input, 413/415 with a body, 500 always), each with what it means here. A generic one may be re-described.
   */
  errors?: Partial<Record<ErrorStatus, string>>;
}

/**
 * Declares a documented route, keeping the exact types of its schemas and of `auth` (true unless given),
 * so `http(route)` hands the handler parsed, typed input. The generator checks the rest (unique operation ids,
 * known tags, path parameters).
 */
export function defineRoute<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
  A extends RouteAuth = true,
>(route: RouteSpec<B, Q, P, A>): RouteSpec<B, Q, P, A> {
  return route;
}
