// GET /openapi.json: the OpenAPI 3.1 document of the whole API, generated from every service's zod schemas
// (npm run openapi) and bundled into this function.
import { http, raw } from '@photonotes/shared/http-public';
import document from '../../../../../docs/openapi.json';
import { openApiDocumentRoute } from '../routes/openapi-document';

// Serialised once per container; the document only changes with a deploy.
const body = JSON.stringify(document);

export const handler = http(openApiDocumentRoute).handler(async () => raw(200, body, 'application/json; charset=utf-8', { 'cache-control': 'no-cache' }));
