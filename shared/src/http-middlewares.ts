// The middy middlewares behind `http()`. Per-request state lives in a WeakMap keyed by the request's own
// event copy, so concurrent invocations (offline, tests, benchmarks) never share it.
import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { AccessTokenVerifier, AuthContext } from './auth';
import {
  isAppError,
  dependencyUnavailable,
  errorBody,
  ForbiddenError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors';
import type { HttpResponse } from './http-response';
import type { RouteAuth } from './http-route';
import { forInvocation } from './log';
import type { Logger } from './log';
import { parseInput } from './validation';

export type HttpEvent = APIGatewayProxyEventV2 & { headers: Record<string, string> };
export type HttpMiddleware = MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>;

export interface RequestState {
  requestId: string;
  log: Logger;
  auth: AuthContext | null;
  body: unknown;
  query: unknown;
  path: unknown;
  /** performance.now() when the request arrived, for the access line. */
  startedAt: number;
  /** Whether the request's access line was written (once per request, answer or error). */
  accessLogged: boolean;
}

export const maxBodyBytes = 1024 * 1024;

/** 1 MiB, 256 KB: the limit as API.md states it. */
function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KB`;
}
const clientRequestId = /^[A-Za-z0-9._-]{8,128}$/;
const bearer = /^Bearer +(\S+) *$/i;

const states = new WeakMap<object, RequestState>();

export function requestState(event: object): RequestState {
  const state = states.get(event);
  if (!state) throw new Error('requestContext middleware must run first');
  return state;
}

export function toResult(response: HttpResponse, requestId: string): APIGatewayProxyStructuredResultV2 {
  if (response.body === undefined || response.statusCode === 204) {
    return { statusCode: response.statusCode, headers: { ...response.headers, 'x-request-id': requestId } };
  }
  if (response.raw) {
    return { statusCode: response.statusCode, headers: { ...response.headers, 'x-request-id': requestId }, body: String(response.body), isBase64Encoded: response.raw === 'base64' };
  }
  return {
    statusCode: response.statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...response.headers, 'x-request-id': requestId },
    body: JSON.stringify(response.body),
  };
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

/** The route as API Gateway names it (`PATCH /notes/{id}`), so ids stay out of the access line; never the query. */
function routeOf(event: APIGatewayProxyEventV2): string {
  if (event.routeKey && event.routeKey !== '$default') return event.routeKey;
  return `${event.requestContext?.http?.method ?? ''} ${event.rawPath ?? ''}`;
}

/**
 * The request's one access line: route, method, status, duration, the caller's user id when authenticated and the
 * request id (on the request's logger). Nothing from headers, query or body, so no token or secret can reach it.
 */
function logAccess(event: object, response: APIGatewayProxyStructuredResultV2 | undefined | null): void {
  const state = states.get(event);
  if (!state || state.accessLogged) return;
  state.accessLogged = true;
  const http = event as HttpEvent;
  state.log.info('request', {
    route: routeOf(http),
    method: http.requestContext?.http?.method,
    status: response?.statusCode,
    durationMs: Math.round((performance.now() - state.startedAt) * 10) / 10,
    ...(state.auth ? { userId: state.auth.userId } : {}),
  });
}

/**
 * Copies the event with lower-case header names, picks the request id, and opens the request's logger, with the
 * invocation's Lambda context (cold start, the function's request id); registered first, so it writes the access
 * line after everything else, for an answer and for an error the error handler turned into one.
 */
export function requestContext(log: Logger): HttpMiddleware {
  return {
    before: (request) => {
      const startedAt = performance.now();
      forInvocation(log, request.context);
      const event: HttpEvent = { ...request.event, headers: lowerCaseHeaders(request.event.headers) };
      const incoming = event.headers['x-request-id'];
      // A client-chosen id is only echoed when it is harmless in logs and headers.
      const requestId =
        incoming !== undefined && clientRequestId.test(incoming)
          ? incoming
          : event.requestContext?.requestId || randomUUID();
      states.set(event, { requestId, log: log.child({ requestId }), auth: null, body: undefined, query: undefined, path: undefined, startedAt, accessLogged: false });
      request.event = event;
    },
    after: (request) => logAccess(request.event, request.response),
    onError: (request) => logAccess(request.event, request.response),
  };
}

/**
 * Verifies the bearer token and records the caller, as the route's `auth` asks (RouteAuth): required (401 without a
 * valid token), optional (no Authorization header: anonymous; a header: exactly as required), or required plus
 * membership of a group, read from the verified token only (403 outside it).
 */
export function authenticate(verifier: AccessTokenVerifier, auth: Exclude<RouteAuth, false> = true): HttpMiddleware {
  const optional = auth === 'optional';
  const group = typeof auth === 'object' ? auth.group : undefined;
  return {
    before: async (request) => {
      const header = request.event.headers.authorization;
      if (header === undefined && optional) return;
      const token = bearer.exec(header ?? '')?.[1];
      if (token === undefined) throw new UnauthorizedError('Missing bearer token');
      let caller: AuthContext;
      try {
        caller = await verifier.verify(token);
      } catch (err) {
        throw isAppError(err) ? err : new UnauthorizedError('Invalid access token', undefined, { cause: err });
      }
      if (group !== undefined && !caller.groups.includes(group)) throw new ForbiddenError(`Only members of the ${group} group may do this`);
      requestState(request.event).auth = caller;
    },
  };
}

// API.md takes `application/json` only, in any letter case (media types are case-insensitive, RFC 9110) and with
// any parameters. The parser's own pattern is case-sensitive and also takes `+json` types, so it is handed the
// header as the contract reads it: `application/json`, or nothing, which it refuses with its 415.
function contentTypeAsTheContractReadsIt(contentType: string | undefined): string | undefined {
  return contentType !== undefined && contentType.split(';', 1)[0]?.trim().toLowerCase() === 'application/json' ? 'application/json' : undefined;
}

const parserPackage = '@middy/http-json-body-parser';

/**
 * The parser answers 415 for a wrong content type and for malformed JSON alike, telling them apart by message; the
 * contract makes the latter a 400. Anything else it might throw stays what it is (a logged 500).
 */
function contractError(err: unknown): unknown {
  if (!(err instanceof Error) || (err.cause as { package?: unknown } | undefined)?.package !== parserPackage) return err;
  // Neither the body nor the parser's message about it (which quotes the body) is kept: it may hold a password.
  if (err.message === 'Unsupported Media Type') return new UnsupportedMediaTypeError('Content-Type must be application/json');
  if (err.message === 'Invalid or malformed JSON was provided') return new ValidationError('Malformed JSON body');
  return err;
}

/**
 * The body as the text the client sent. API Gateway always passes a string (or nothing); serverless-offline passes
 * the value it parsed itself when that value is falsy (a body of `false` or `0` arrives as a boolean or a number),
 * which would otherwise crash the size check with a 500.
 */
function rawBodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body === undefined || body === null) return '';
  return JSON.stringify(body);
}

/** Reads the JSON body of routes that declare one, with @middy/http-json-body-parser; routes without a body schema never look at it. */
export function jsonBody(limitBytes = maxBodyBytes): HttpMiddleware {
  const parse = httpJsonBodyParser<APIGatewayProxyEventV2>().before;
  if (!parse) throw new Error(`${parserPackage} has no before step`);
  return {
    before: async (request) => {
      const { event } = request;
      const state = requestState(event);
      const raw = rawBodyText(event.body);
      // The limit is on the bytes the client sent, so base64 is measured decoded and text as UTF-8; checked
      // before anything is parsed.
      const bytes = Buffer.byteLength(raw, event.isBase64Encoded ? 'base64' : 'utf8');
      if (bytes > limitBytes) throw new PayloadTooLargeError(`Request body exceeds ${sizeText(limitBytes)}`);
      // Routes documented as "body empty or {}" get {} whatever the content type says.
      if (bytes === 0) {
        state.body = {};
        return;
      }
      // The parser replaces the body it reads: it gets an event of its own, so the handler's event keeps the raw one.
      const parsing: Parameters<typeof parse>[0] = {
        ...request,
        event: { ...event, headers: { 'content-type': contentTypeAsTheContractReadsIt(event.headers['content-type']) }, body: raw },
      };
      try {
        await parse(parsing);
      } catch (err) {
        throw contractError(err);
      }
      state.body = parsing.event.body as unknown;
    },
  };
}

export interface InputSchemas {
  body?: z.ZodMiniType | undefined;
  query?: z.ZodMiniType | undefined;
  path?: z.ZodMiniType | undefined;
}

/** Validates every declared input and reports the issues of all of them in one 400. */
export function validateInput(schemas: InputSchemas): HttpMiddleware {
  return {
    before: (request) => {
      const { event } = request;
      const state = requestState(event);
      const details: unknown[] = [];
      const check = <S extends z.ZodMiniType>(schema: S, value: unknown, location: 'body' | 'query' | 'path'): unknown => {
        try {
          return parseInput(schema, value, location);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          details.push(...(err.details ?? []));
          return undefined;
        }
      };
      if (schemas.path) state.path = check(schemas.path, event.pathParameters ?? {}, 'path');
      if (schemas.query) state.query = check(schemas.query, event.queryStringParameters ?? {}, 'query');
      if (schemas.body) state.body = check(schemas.body, state.body, 'body');
      if (details.length > 0) throw new ValidationError('Request validation failed', details);
    },
  };
}

/** Registered last so it runs first on error: typed errors keep their status, anything else is a logged 500. */
export function errorHandler(baseLog: Logger): HttpMiddleware {
  return {
    onError: (request) => {
      // A dependency that is down is a 503 the caller may retry, not a 500 (errors.ts, dependencyUnavailable).
      const err = dependencyUnavailable(request.error) ?? request.error;
      const state = states.get(request.event);
      const requestId = state?.requestId ?? randomUUID();
      const log = state?.log ?? baseLog.child({ requestId });
      if (!isAppError(err)) {
        log.error('Unhandled error', { err });
      } else if (err.status >= 500) {
        log.error('Request failed', { status: err.status, code: err.code, err });
      } else {
        log.info('Request rejected', { status: err.status, code: err.code, reason: err.message, cause: err.cause });
      }
      const { status, body } = errorBody(err, requestId);
      const retryAfter = (err instanceof RateLimitedError || err instanceof ServiceUnavailableError) && err.retryAfterSeconds !== undefined ? { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterSeconds))) } : undefined;
      request.response = toResult({ statusCode: status, body, ...(retryAfter ? { headers: retryAfter } : {}) }, requestId);
    },
  };
}
