// `http(route)` for routes that verify no token (`auth: false`: health probes, the platform's docs and 404): the same
// chain as http.ts, without the token verifier and what it needs (jose's key set, the revocation list's DynamoDB
// client), so those functions stay small and start fast. A route that verifies tokens does not compile here.
import { httpChain } from './http-chain';
import type { HttpOptions, Schema } from './http-chain';
import type { HttpRoute } from './http-route';

export { created, json, noContent, ok, raw } from './http-response';
export type { HttpResponse } from './http-response';
export type { HttpHandler, HttpOptions, HttpRequest } from './http-chain';

function noVerifier(): never {
  throw new Error('A route served with http-public must declare auth: false');
}

/** Serves a route of `auth: false` (src/routes/<name>.ts), as http.ts does. */
export function http<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined>(
  route: HttpRoute<B, Q, P, false>,
  options: HttpOptions = {},
) {
  return httpChain(route, options, noVerifier);
}
