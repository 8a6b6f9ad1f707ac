// GET /docs, GET /docs/assets/{file} and GET /openapi.json: the page, what it may load, and the files behind it.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { apiEvent, lambdaContext } from '@photonotes/shared/testing/api-event';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readYaml, repoRoot } from '../../../../../scripts/platform/service-definitions';
import { acceptsGzip, docsAssets, docsPage } from '../../../src/platform/domain/api-docs';
import type { HttpHandler } from '@photonotes/shared/http';

const serviceDir = path.join(__dirname, '..', '..', '..');

describe('docsPage', () => {
  const page = docsPage('5.35.0');

  test('loads Swagger UI from this API only, by relative URLs that name its version', () => {
    // Assess
    expect(page.html).toContain('<script src="docs/assets/swagger-ui-bundle.js?v=5.35.0"></script>');
    expect(page.html).toContain('<link rel="stylesheet" href="docs/assets/swagger-ui.css?v=5.35.0">');
    expect(page.html).toContain("url: 'openapi.json'");
    expect(page.html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  test('its content security policy allows exactly its own inline script', () => {
    // Prepare
    const inline = [...page.html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
    const hash = createHash('sha256').update(inline[0] ?? '').digest('base64');

    // Assess
    expect(inline).toHaveLength(1);
    expect(page.contentSecurityPolicy).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(page.contentSecurityPolicy).toContain("default-src 'none'");
    expect(page.contentSecurityPolicy).not.toContain('unsafe-eval');
  });
});

describe('acceptsGzip', () => {
  test.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['*', true],
    ['gzip;q=0', false],
    ['br', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => {
    // Assess
    expect(acceptsGzip(header)).toBe(expected);
  });
});

const savedEnv = { ...process.env };
afterAll(() => {
  process.env = savedEnv;
});

/** A fresh copy of a handler module, which reads its environment again. */
function loadHandler(module: string, env: Record<string, string> = {}): HttpHandler {
  // The handlers log rejected requests; these tests assert on the answers.
  Object.assign(process.env, { LOG_LEVEL: 'silent', ...env });
  let handler: HttpHandler | undefined;
  jest.isolateModules(() => {
    handler = jest.requireActual<{ handler: HttpHandler }>(module).handler;
  });
  if (!handler) throw new Error(`${module} exports no handler`);
  return handler;
}

async function call(handler: HttpHandler, input: Parameters<typeof apiEvent>[0]): Promise<APIGatewayProxyStructuredResultV2> {
  return handler(apiEvent(input), lambdaContext());
}

describe('GET /docs/assets/{file}', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docs-assets-'));
  const css = 'body { color: black }\n'.repeat(50);
  writeFileSync(path.join(dir, 'swagger-ui.css'), css);
  writeFileSync(path.join(dir, 'package.json'), '{"secret": true}');
  const handler = loadHandler('../../../src/platform/functions/docs-asset', { DOCS_ASSETS_DIR: dir });
  const get = (file: string, headers: Record<string, string> = {}) => call(handler, { path: `/docs/assets/${file}`, pathParameters: { file }, headers });

  test('serves a listed file gzipped to a client that takes gzip', async () => {
    // Act
    const result = await get('swagger-ui.css', { 'accept-encoding': 'gzip, br' });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers).toMatchObject({ 'content-type': 'text/css; charset=utf-8', 'content-encoding': 'gzip', vary: 'accept-encoding' });
    expect(gunzipSync(Buffer.from(String(result.body), 'base64')).toString()).toBe(css);
  });

  test('and as it is to one that does not', async () => {
    // Act
    const result = await get('swagger-ui.css');

    // Assess
    expect(result.headers?.['content-encoding']).toBeUndefined();
    expect(Buffer.from(String(result.body), 'base64').toString()).toBe(css);
  });

  test.each(['package.json', '..%2Fpackage.json', 'swagger-ui.js'])('anything not listed is a 404 error body: %s', async (file) => {
    // Act
    const result = await get(file);

    // Assess
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(String(result.body))).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  test('a listed file missing from the directory is a 500 that leaks no path', async () => {
    // Act
    const result = await get('swagger-ui-bundle.js');

    // Assess
    expect(result.statusCode).toBe(500);
    expect(String(result.body)).not.toContain(dir);
  });
});

describe('GET /openapi.json and GET /docs', () => {
  test('/openapi.json answers the committed document', async () => {
    // Act
    const result = await call(loadHandler('../../../src/platform/functions/openapi-document'), { path: '/openapi.json' });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(String(result.body))).toEqual(JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'openapi.json'), 'utf8')));
  });

  test('/docs answers the page with its security headers', async () => {
    // Act
    const result = await call(loadHandler('../../../src/platform/functions/docs-page'), { path: '/docs' });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' });
    expect(result.headers?.['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(String(result.body)).toContain('<div id="swagger-ui"></div>');
  });
});

describe('the docsAssets layer (serverless.yml)', () => {
  const layer = readYaml<{ layers: { docsAssets: { path: string; package: { patterns: string[] } } } }>(path.join(serviceDir, 'serverless.yml')).layers.docsAssets;

  test('is the installed swagger-ui-dist', () => {
    // Assess
    expect(path.resolve(serviceDir, layer.path)).toBe(path.dirname(require.resolve('swagger-ui-dist/package.json')));
  });

  test('ships every file the route serves (and their licence), nothing else', () => {
    // Assess
    expect(layer.package.patterns).toEqual(['!**', ...Object.keys(docsAssets), 'LICENSE', 'NOTICE']);
    for (const file of Object.keys(docsAssets)) expect(readFileSync(path.resolve(serviceDir, layer.path, file)).length).toBeGreaterThan(0);
  });
});
