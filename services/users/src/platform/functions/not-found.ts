// The HTTP API's catch-all ($default) route: an unknown path or method gets the API's JSON 404.
import { NotFoundError } from '@photonotes/shared/errors';
import { http } from '@photonotes/shared/http-public';
import { notFoundRoute } from '../routes/not-found';

export const handler = http(notFoundRoute).handler(async ({ event }) => {
  throw new NotFoundError(`No route for ${event.requestContext.http.method} ${event.rawPath}`);
});
