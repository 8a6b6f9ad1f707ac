// GET /docs/assets/{file}: a Swagger UI file of the docs page.
import { defineRoute } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';
import { docsAssets } from '../domain/api-docs';

/** Any other name is a 404, not a 400: the route serves files, and a file that is not there is not found. */
export const docsAssetPath = z.object({ file: z.string().check(z.minLength(1), z.maxLength(64)) });

export const docsAssetRoute = defineRoute({
  service: 'users',
  method: 'GET',
  path: '/docs/assets/{file}',
  operationId: 'getDocsAsset',
  summary: 'A Swagger UI file of the docs page',
  description: `One of: ${Object.keys(docsAssets).join(', ')}. Gzipped when the client accepts it.`,
  tags: ['docs'],
  auth: false,
  params: docsAssetPath,
  responses: { 200: { description: 'The file', contentType: '*/*', schema: z.string(), example: '.swagger-ui { font-family: sans-serif; }' } },
  errors: { 404: 'No such file' },
});
