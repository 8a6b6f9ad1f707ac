// GET /docs: Swagger UI rendering GET /openapi.json.
import { http, raw } from '@photonotes/shared/http-public';
import { version } from 'swagger-ui-dist/package.json';
import { docsPage } from '../domain/api-docs';
import { docsPageRoute } from '../routes/docs-page';

const page = docsPage(version);

export const handler = http(docsPageRoute).handler(async () =>
  raw(200, page.html, 'text/html; charset=utf-8', {
    'cache-control': 'no-cache',
    'content-security-policy': page.contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  }),
);
