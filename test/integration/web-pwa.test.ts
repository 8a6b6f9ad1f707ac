// The web app as a progressive web app: the manifest the page links (valid, its icons served), the service worker
// (/app/sw.js), and in headless Chromium: after one visit the app shell opens with the browser offline (the sign-in
// screen signed out, the notes from IndexedDB signed in), while the API is never answered from the worker's cache.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, baseUrl } from '../support/api';
import { describeInBrowser, launchBrowser } from '../support/browser';
import { createTestUser } from '../support/users';
import { signInThroughApp } from '../support/web-app';
import { ensureWebBuilt } from '../support/web-build';

beforeAll(() => {
  ensureWebBuilt();
}, 90_000);

interface Manifest {
  name?: string;
  short_name?: string;
  start_url?: string;
  scope?: string;
  display?: string;
  theme_color?: string;
  background_color?: string;
  icons?: Array<{ src: string; sizes: string; type: string; purpose?: string }>;
}

/** Width × height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): string {
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

describe('the manifest and the service worker', () => {
  test('index.html links a valid manifest: name, start_url and scope /app/, standalone, theme colour, icons that exist at their sizes', async () => {
    // Act
    const html = await (await fetch(`${baseUrl()}/app/`)).text();
    const href = /<link rel="manifest" href="([^"]+)"/.exec(html)?.[1];
    const response = await fetch(`${baseUrl()}${href ?? '/missing'}`);
    const manifest = (await response.json()) as Manifest;
    const icons = await Promise.all(
      (manifest.icons ?? []).map(async (icon) => {
        const file = await fetch(new URL(icon.src, `${baseUrl()}${href ?? ''}`));
        const bytes = Buffer.from(await file.arrayBuffer());
        return { declared: icon, status: file.status, type: file.headers.get('content-type'), size: icon.type === 'image/png' ? pngSize(bytes) : 'any' };
      }),
    );

    // Assess
    expect(href).toBe('/app/manifest.webmanifest');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/manifest+json');
    expect(manifest).toMatchObject({ name: 'PhotoNotes', short_name: 'PhotoNotes', start_url: '/app/', scope: '/app/', display: 'standalone' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(html).toContain(`<meta name="theme-color" content="${manifest.theme_color}"`);
    for (const icon of icons) {
      expect({ src: icon.declared.src, status: icon.status, type: icon.type, size: icon.size }).toEqual({ src: icon.declared.src, status: 200, type: icon.declared.type, size: icon.declared.sizes });
    }
    expect(icons.filter((icon) => icon.declared.type === 'image/png').map((icon) => icon.size)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(icons.some((icon) => icon.declared.purpose === 'maskable')).toBe(true);
  });

  test("/app/sw.js precaches this build's shell (index.html and every hashed asset) and is never cached by HTTP", async () => {
    // Act
    const html = await (await fetch(`${baseUrl()}/app/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="\/app\/(assets\/[^"]+)"/g)].map((match) => match[1] as string);
    const worker = await fetch(`${baseUrl()}/app/sw.js`);
    const code = await worker.text();

    // Assess
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    expect(assets.length).toBeGreaterThan(0);
    for (const file of [...assets, 'index.html', 'manifest.webmanifest']) expect(code).toContain(`"${file}"`);
  });
});

describeInBrowser('offline after one visit (headless Chromium)', () => {
  let browser: Browser | undefined;

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  /**
   * A fresh browser on /app/, once the service worker controls the page. One browser per test: in @sparticuz/chromium
   * (single-process) a second context that registers a service worker, or closing one that ran it, kills the browser.
   */
  async function firstVisit(): Promise<{ context: BrowserContext; page: Page }> {
    browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/app/`, { waitUntil: 'load' });
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
    return { context, page };
  }

  /** Every URL the worker's caches hold. */
  const cachedUrls = (page: Page) =>
    page.evaluate(`(async () => {
      const urls = [];
      for (const key of await caches.keys()) for (const request of await (await caches.open(key)).keys()) urls.push(request.url);
      return urls;
    })()`) as Promise<string[]>;

  test('signed out: offline, a reload still shows the sign-in screen, from the worker', async () => {
    // Prepare
    const { context, page } = await firstVisit();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 10_000 });

    // Act
    await context.setOffline(true);
    const reloaded = await page.reload({ waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    const signInButton = await page.getByRole('button', { name: 'Sign in' }).isVisible();
    const apiWhileOffline = await page.evaluate(`fetch('/health').then((r) => 'answered ' + r.status, (e) => 'failed: ' + e.name)`);

    // Assess
    expect(reloaded?.status()).toBe(200);
    expect(reloaded?.fromServiceWorker()).toBe(true);
    expect(signInButton).toBe(true);
    expect(apiWhileOffline).toBe('failed: TypeError');
  }, 60_000);

  test('signed in: offline, a reload shows the notes from IndexedDB; no API call is ever answered by the worker or kept in its cache', async () => {
    // Prepare
    const me = await createTestUser('web-pwa');
    const title = `Offline shell ${randomUUID().slice(0, 8)}`;
    const created = await api<{ id: string }>('/notes', { method: 'POST', token: me.accessToken, body: { title } });
    expect(created.status).toBe(201);
    const { context, page } = await firstVisit();
    const apiResponses: Array<{ url: string; fromWorker: boolean }> = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin === baseUrl() && !url.pathname.startsWith('/app/')) apiResponses.push({ url: url.pathname, fromWorker: response.fromServiceWorker() });
    });
    await signInThroughApp(page, me);
    await page.getByRole('button', { name: new RegExp(title) }).waitFor({ timeout: 20_000 });
    await page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });

    // Act
    await context.setOffline(true);
    const reloaded = await page.reload({ waitUntil: 'load' });
    await page.getByRole('button', { name: new RegExp(title) }).waitFor({ timeout: 15_000 });
    const status = await page.getByRole('status').filter({ hasText: 'Offline' }).textContent({ timeout: 10_000 });
    const apiWhileOffline = await page.evaluate(`fetch('/notes').then((r) => 'answered ' + r.status, (e) => 'failed: ' + e.name)`);
    await context.setOffline(false);
    const cached = await cachedUrls(page);

    // Assess
    expect(reloaded?.fromServiceWorker()).toBe(true);
    expect(status).toContain('Offline');
    expect(apiWhileOffline).toBe('failed: TypeError');
    expect(apiResponses.map((response) => response.url)).toEqual(expect.arrayContaining(['/auth/login']));
    expect(apiResponses.filter((response) => response.fromWorker)).toEqual([]);
    expect(cached.length).toBeGreaterThan(0);
    expect(cached.filter((url) => !url.startsWith(`${baseUrl()}/app/`))).toEqual([]);
    expect(cached).toContain(`${baseUrl()}/app/index.html`);
  }, 90_000);
});
