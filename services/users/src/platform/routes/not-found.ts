// The HTTP API's catch-all ($default) route. It is no operation of the OpenAPI document (every path and method no
// other route takes), so it declares only what the chain needs: public, no input.
import type { HttpRoute } from '@photonotes/shared/http-route';

export const notFoundRoute: HttpRoute<undefined, undefined, undefined, false> = { service: 'users', auth: false };
