// The one factory every HTTP Lambda is built with (API Gateway HTTP API, payload v2): request id, headers,
// auth, JSON body, zod validation, serialisation and error mapping, with zod's types flowing into the handler
// (the chain is in http-chain.ts). Tokens are verified by the verifier built from the environment (auth.ts); routes
// that verify no token may use http-public.ts instead, which leaves that verifier out of the bundle.
import { defaultVerifier } from './auth';
import { httpChain } from './http-chain';
import type { HttpOptions, Schema } from './http-chain';
import type { HttpRoute, RouteAuth } from './http-route';

export { created, json, noContent, ok, raw } from './http-response';
export type { HttpResponse } from './http-response';
export { requireGroup } from './http-route';
export type { CallerOf, GroupRequirement, HttpRoute, RouteAuth } from './http-route';
export type { AuthContext, UserGroup } from './auth';
export type { HttpHandler, HttpOptions, HttpRequest } from './http-chain';

/** Serves `route` (src/routes/<name>.ts): `export const handler = http(route).handler(async ({ body, auth }) => ...)`. */
export function http<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
  A extends RouteAuth = true,
>(route: HttpRoute<B, Q, P, A>, options: HttpOptions = {}) {
  return httpChain(route, options, defaultVerifier);
}
