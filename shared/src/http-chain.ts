// The HTTP chain behind both entry points, http.ts (every route) and http-public.ts (routes that verify no token):
// request id, headers, auth, JSON body, zod validation, serialisation and error mapping, with zod's types flowing
// into the handler. The entry points differ only in where the default token verifier comes from, so a function
// that verifies no token does not bundle the verifier's dependencies (the revocation list's DynamoDB client).
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { withInvocationCorrelationId } from './correlation';
import { ServiceUnavailableError } from './errors';
import type { AccessTokenVerifier } from './auth';
import {
  authenticate,
  errorHandler,
  jsonBody,
  requestContext,
  requestState,
  toResult,
  validateInput,
} from './http-middlewares';
import type { HttpEvent } from './http-middlewares';
import type { HttpResponse } from './http-response';
import type { CallerOf, HttpRoute, RouteAuth } from './http-route';
import { createLogger } from './log';
import type { Logger } from './log';
import { flushMetrics } from './metrics';

export type Schema = z.ZodMiniType;
type Parsed<S> = S extends Schema ? z.output<S> : undefined;

/** What tests and benchmarks may replace; everything else comes from the route. */
export interface HttpOptions {
  /** Replaces the verifier built from COGNITO_* env. */
  verifier?: AccessTokenVerifier;
  logger?: Logger;
}

export interface HttpRequest<B, Q, P, A extends RouteAuth> {
  body: Parsed<B>;
  query: Parsed<Q>;
  path: Parsed<P>;
  /** The caller, as the route's `auth` promises: null where it is `false`, and for an anonymous call where it is `'optional'`. */
  auth: CallerOf<A>;
  /** Lower-case names. */
  headers: Record<string, string>;
  requestId: string;
  log: Logger;
  event: APIGatewayProxyEventV2;
  context: Context;
}

/**
 * middy answers for a handler still running 1 s before the function's timeout (its `timeoutEarlyInMillis`), so the
 * caller gets our JSON error with the request id instead of API Gateway's bare 503, and the log names the request.
 * A timeout is ours and worth retrying: 503 with Retry-After, never a 500. The margin is a whole second because a
 * busy process (the resilience suite's load, 50 users on two cores) fires the early timer late: with 5 ms the
 * runtime's own timeout won the race and the caller got a 500.
 */
const timeoutEarlyInMillis = 1000;
function timeoutEarlyResponse(): never {
  throw new ServiceUnavailableError('The request took too long; try again', undefined, { retryAfterSeconds: 1 });
}

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** The chain for `route`; `defaultVerifier` is asked only when the route verifies tokens and none was given. */
export function httpChain<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined, A extends RouteAuth>(
  route: HttpRoute<B, Q, P, A>,
  options: HttpOptions,
  defaultVerifier: () => AccessTokenVerifier,
) {
  const log = options.logger ?? createLogger({ service: route.service });
  const auth: RouteAuth = route.auth ?? true;
  // Resolved here, at cold start, so a missing COGNITO_* or REVOCATIONS_TABLE variable fails loudly before any request.
  const verifier = auth === false ? undefined : (options.verifier ?? defaultVerifier());
  return {
    handler(fn: (request: HttpRequest<B, Q, P, A>) => Promise<HttpResponse>): HttpHandler {
      const chain = middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>({ timeoutEarlyInMillis, timeoutEarlyResponse });
      chain.use(requestContext(log));
      if (verifier && auth !== false) chain.use(authenticate(verifier, auth));
      if (route.body) chain.use(jsonBody(route.maxBodyBytes));
      if (route.body || route.query || route.params) {
        chain.use(validateInput({ body: route.body, query: route.query, path: route.params }));
      }
      chain.use(errorHandler(log));
      return chain.handler(async (event, context) => {
        const state = requestState(event);
        // The middlewares above validated these against the very schemas that type them. Events the handler
        // causes carry its request id as their correlation id (shared/src/correlation.ts).
        // The metrics the handler recorded are written once, at its end, whatever it answered (metrics.ts): a
        // try/finally, which costs no promise of its own.
        let response: HttpResponse;
        try {
          response = await withInvocationCorrelationId(state.requestId, () => fn({
            body: state.body as Parsed<B>,
            query: state.query as Parsed<Q>,
            path: state.path as Parsed<P>,
            auth: state.auth as CallerOf<A>,
            headers: event.headers,
            requestId: state.requestId,
            log: state.log,
            event,
            context,
          }));
        } finally {
          flushMetrics();
        }
        return toResult(response, state.requestId);
      });
    },
  };
}
