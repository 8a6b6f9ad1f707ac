// GET /docs: a page that renders the API's OpenAPI document with Swagger UI, whose files (from npm's
// swagger-ui-dist, never a CDN) it loads from GET /docs/assets/{file}. Only the files listed here are served.
import { createHash } from 'node:crypto';

/** The Swagger UI files the page loads, with their content types. The users service's layer ships exactly these. */
export const docsAssets = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;

export type DocsAsset = keyof typeof docsAssets;

export function isDocsAsset(file: string): file is DocsAsset {
  return Object.hasOwn(docsAssets, file);
}

// Relative URLs: the page works under any base path (a custom domain's mapping) as it does at the root.
const initScript = [
  'window.ui = SwaggerUIBundle({',
  "  url: 'openapi.json',",
  "  dom_id: '#swagger-ui',",
  '  deepLinking: true,',
  // Swagger UI would otherwise send the document to an external validator.
  '  validatorUrl: null,',
  '  persistAuthorization: false,',
  '  tryItOutEnabled: false,',
  '});',
].join('\n');

export interface DocsPage {
  html: string;
  contentSecurityPolicy: string;
}

/** `version` (swagger-ui-dist's) names the asset URLs, so browsers may cache them for good. */
export function docsPage(version: string): DocsPage {
  const asset = (file: DocsAsset) => `docs/assets/${file}?v=${encodeURIComponent(version)}`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PhotoNotes API</title>
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}">
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script>${initScript}</script>
</body>
</html>
`;
  const scriptHash = createHash('sha256').update(initScript).digest('base64');
  // Swagger UI sets inline styles and draws icons as data: images; everything else comes from this API.
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${scriptHash}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/** True when the client takes gzip (`Accept-Encoding: gzip, br` and the like, not `gzip;q=0`). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
