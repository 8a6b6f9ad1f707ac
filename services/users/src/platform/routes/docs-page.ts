// GET /docs: Swagger UI rendering GET /openapi.json.
import { defineRoute } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';

export const docsPageRoute = defineRoute({
  service: 'users',
  method: 'GET',
  path: '/docs',
  operationId: 'getDocsPage',
  summary: 'This page: the document rendered by Swagger UI',
  tags: ['docs'],
  auth: false,
  responses: { 200: { description: 'An HTML page', contentType: 'text/html', schema: z.string(), example: '<!doctype html>\n<html lang="en">…</html>\n' } },
});
