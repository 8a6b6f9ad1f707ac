// GET /openapi.json: the OpenAPI 3.1 document of the whole API.
import { defineRoute } from '@photonotes/shared/http-route';

export const openApiDocumentRoute = defineRoute({
  service: 'users',
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This OpenAPI document',
  tags: ['docs'],
  auth: false,
  responses: { 200: { description: 'The OpenAPI 3.1 document of the whole API', example: { openapi: '3.1.0', info: { title: 'PhotoNotes API', version: '0.1.0' }, paths: {} } } },
});
