// GET /openapi.json and GET /docs through the gateway, and the docs page in a real headless Chromium (found by
// test/support/browser.ts, driven by playwright-core): it loads Swagger UI from this API alone and lists every route,
// and its sign-in form authorizes "Try it out".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { repoRoot } from '../../scripts/platform/service-definitions';
import { api, baseUrl } from '../support/api';
import { describeInBrowser, launchHeadless } from '../support/browser';
import { createTestUser } from '../support/users';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string }>>;
}

const committed = JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'openapi.json'), 'utf8')) as OpenApiDocument;
const operations = Object.entries(committed.paths).flatMap(([routePath, item]) => Object.keys(item).map((method) => ({ method, path: routePath })));

describe('GET /openapi.json', () => {
  test('answers the committed document, without a token', async () => {
    // Act
    const res = await api<OpenApiDocument>('/openapi.json');

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.body).toEqual(committed);
  });
});

describe('GET /docs/assets/{file}', () => {
  test('serves Swagger UI from node_modules, gzipped when asked', async () => {
    // Act
    const res = await fetch(`${baseUrl()}/docs/assets/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'gzip' } });
    const text = await res.text();

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(text).toBe(readFileSync(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'), 'utf8'));
  });

  test('anything else is a 404 error body', async () => {
    // Act
    const res = await api<{ error: { code: string } }>('/docs/assets/package.json');

    // Assess
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

// Runs on every machine (the browser comes from npm when the system has none); SKIP_BROWSER_TESTS=1 skips it
// on purpose only.
describeInBrowser('GET /docs in headless Chromium', () => {
  let headless: Awaited<ReturnType<typeof launchHeadless>> | undefined;
  let browser: BrowserContext;

  beforeAll(async () => {
    headless = await launchHeadless();
    browser = headless.browser;
  }, 60_000);

  afterAll(async () => {
    await headless?.close();
  });

  test('the page loads from this API alone, without errors, and lists every route of the document', async () => {
    // Prepare
    const page = await browser.newPage();
    const origin = new URL(baseUrl()).origin;
    const foreignRequests: string[] = [];
    const failedRequests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.url()}: ${response.status()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });

    // Act
    const response = await page.goto(`${baseUrl()}/docs`, { waitUntil: 'load' });
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const listed = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => ({
        method: block.querySelector('.opblock-summary-method')?.textContent?.trim().toLowerCase() ?? '',
        path: block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
      })),
    );
    const title = await page.locator('.info .title').first().textContent();

    // Assess
    expect(response?.status()).toBe(200);
    expect(title).toContain('PhotoNotes API');
    expect(listed).toHaveLength(operations.length);
    expect(listed).toEqual(expect.arrayContaining(operations));
    expect(foreignRequests).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('signs in through its form, then "Try it out" on a protected operation answers 200; signing out clears the token', async () => {
    // Prepare
    const user = await createTestUser('docs');
    const page = await browser.newPage();
    const origin = new URL(baseUrl()).origin;
    await page.goto(`${baseUrl()}/docs`, { waitUntil: 'load' });
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const profile = page.locator('#operations-users-getOwnProfile');
    const execute = async () => {
      const [response] = await Promise.all([
        page.waitForResponse((candidate) => candidate.url() === `${origin}/users/me` && candidate.request().method() === 'GET', { timeout: 15_000 }),
        profile.locator('button.execute').click(),
      ]);
      return { status: response.status(), authorization: response.request().headers().authorization };
    };

    // Act: sign in, then open GET /users/me, "Try it out", "Execute"
    await page.fill('#sign-in input[name="email"]', user.email);
    await page.fill('#sign-in input[name="password"]', user.password);
    await page.click('#sign-in button[type="submit"]');
    await page.waitForSelector('#signed-in:not([hidden])', { timeout: 15_000 });
    const shownEmail = await page.locator('#signed-in-email').textContent();
    await profile.locator('.opblock-summary').click();
    await profile.locator('button.try-out__btn').click();
    const signedIn = await execute();
    const shown = profile.locator('.live-responses-table tbody tr.response').first();
    await shown.waitFor();
    const shownStatus = (await shown.locator('.response-col_status').textContent())?.trim();
    const shownBody = await shown.locator('.response-col_description pre').first().textContent();

    // Act: sign out, then the same call again
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    // (the test's tsconfig has no DOM types: browser-side code is passed as text)
    const stored = await page.evaluate<number>('window.sessionStorage.length');
    const signedInHidden = await page.locator('#signed-in').isHidden();
    const signedOut = await execute();

    // Assess
    expect(shownEmail).toBe(user.email);
    expect(signedIn.status).toBe(200);
    expect(signedIn.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(shownStatus).toBe('200');
    expect(shownBody).toContain(user.email);
    expect(stored).toBe(0);
    expect(signedInHidden).toBe(true);
    expect(signedOut).toEqual({ status: 401, authorization: undefined });
    await page.close();
  });

  test('a wrong password is said on the form, and nothing is authorized', async () => {
    // Prepare
    const page = await browser.newPage();
    await page.goto(`${baseUrl()}/docs`, { waitUntil: 'load' });
    await page.waitForSelector('.opblock', { timeout: 20_000 });

    // Act
    await page.fill('#sign-in input[name="email"]', 'nobody-docs@example.com');
    await page.fill('#sign-in input[name="password"]', 'wrong-password-1');
    await page.click('#sign-in button[type="submit"]');
    await page.locator('#sign-in-status').filter({ hasNotText: /^(Signing in…)?$/ }).waitFor({ timeout: 15_000 });
    const status = await page.locator('#sign-in-status').textContent();
    const signedInHidden = await page.locator('#signed-in').isHidden();
    const stored = await page.evaluate<number>('window.sessionStorage.length');

    // Assess: the form says why, and no token is kept for Swagger UI (the session store is what authorizes it)
    expect(status).toMatch(/email or password/i);
    expect(signedInHidden).toBe(true);
    expect(stored).toBe(0);
    await page.close();
  });
});
