// The web app (clients/web) at /app on the gateway: the built files (npm run build:web -- --stage local, run here
// first) served under /app, and in a real headless Chromium (test/support/browser.ts, playwright-core): sign up,
// sign in, create a note and find it in the list beside a note shared with the user, sign out; a note edited on
// another device appears live (realtime); an edit made offline waits, then syncs on reconnect; a conflict is
// shown with both versions and resolved.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl } from '../support/api';
import { describeInBrowser, launchHeadless } from '../support/browser';
import { auditScreen } from '../support/screen-audit';
import { ensureWebBuilt } from '../support/web-build';
import { openApp as openAppPage, signInThroughApp, type AppPage } from '../support/web-app';
import { createTestUser, uniqueEmail } from '../support/users';

beforeAll(() => {
  ensureWebBuilt();
}, 90_000);

describe('GET /app', () => {
  test('/app moves to /app/, which is the app page naming its script under /app/assets', async () => {
    // Act
    const bare = await fetch(`${baseUrl()}/app`, { redirect: 'manual' });
    const page = await fetch(`${baseUrl()}/app/`);
    const html = await page.text();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const asset = script ? await fetch(`${baseUrl()}${script}`) : null;
    const stylesheet = /href="(\/app\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    const css = stylesheet ? await (await fetch(`${baseUrl()}${stylesheet}`)).text() : '';

    // Assess
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/app/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(script).toBeDefined();
    expect(asset?.status).toBe(200);
    expect(asset?.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset?.headers.get('cache-control')).toContain('immutable');
    expect(css).toContain('prefers-color-scheme:dark'); // the app's own stylesheet, not an empty one
  });

  test("a screen's path is the app page; a missing asset or a path out of the app's folder is a 404", async () => {
    // Act
    const screen = await fetch(`${baseUrl()}/app/notes`);
    const missing = await fetch(`${baseUrl()}/app/assets/nothing.js`);
    const escape = await fetch(`${baseUrl()}/app/%2e%2e/%2e%2e/package.json`);

    // Assess
    expect(screen.status).toBe(200);
    expect(await screen.text()).toContain('<div id="app">');
    expect(missing.status).toBe(404);
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toContain('photonotes-backend');
  });
});

describeInBrowser('the web app in headless Chromium', () => {
  let headless: Awaited<ReturnType<typeof launchHeadless>> | undefined;
  let browser: BrowserContext;

  beforeAll(async () => {
    headless = await launchHeadless();
    browser = headless.browser;
  }, 60_000);

  afterAll(async () => {
    await headless?.close();
  });

  /** The app signed out (no session kept from an earlier test), on a page that records page errors and failed calls. */
  function openApp(): Promise<AppPage> {
    return openAppPage(browser);
  }

  /** How many notes the page's offline stores (IndexedDB `photonotes-offline:<user>`) hold, summed. */
  // A string: this project compiles without the DOM's types, and the code runs in the page.
  const countStoredNotes = `(async () => {
    const names = (await indexedDB.databases()).map((db) => db.name || '').filter((name) => name.startsWith('photonotes-offline:'));
    let total = 0;
    for (const name of names) {
      total += await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const count = db.transaction('notes').objectStore('notes').count();
          count.onsuccess = () => { db.close(); resolve(count.result); };
          count.onerror = () => reject(count.error);
        };
      });
    }
    return total;
  })()`;
  function storedNotes(page: Page): Promise<number> {
    return page.evaluate(countStoredNotes) as Promise<number>;
  }

  test('a new user signs up, creates a note with tags and sees it in the list, then signs out', async () => {
    // Prepare
    const { page, problems } = await openApp();
    const title = `From the browser ${randomUUID().slice(0, 8)}`;

    // Act
    const violations = await auditScreen(page, 'sign-in');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Web Tester');
    violations.push(...(await auditScreen(page, 'sign-up')));
    await page.getByLabel('Email').fill(uniqueEmail('web'));
    await page.getByLabel('Password').fill('photonotes1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Notes' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Body').fill('Written in headless Chromium.');
    await page.getByLabel('Tags').fill('Web, test');
    violations.push(...(await auditScreen(page, 'note-editor')));
    const editorUrl = page.url();
    await page.getByRole('button', { name: 'Save' }).click();
    const listed = page.getByRole('button', { name: new RegExp(title) });
    await listed.waitFor({ timeout: 20_000 });
    const listedText = await listed.textContent();
    await page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });
    violations.push(...(await auditScreen(page, 'notes')));
    const cachedWhileSignedIn = await storedNotes(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    const stored = await page.evaluate("localStorage.getItem('photonotes.session')");
    const cachedAfterSignOut = await storedNotes(page);

    // Assess
    expect(listedText).toContain('#web #test');
    expect(editorUrl).toMatch(/\/app\/#\/notes\/new$/);
    expect(violations).toEqual([]);
    expect(cachedWhileSignedIn).toBe(1);
    expect(stored).toBeNull();
    expect(cachedAfterSignOut).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('a user signs in, sees own notes and notes shared with them in one list, newest first, and edits their own', async () => {
    // Prepare
    const me = await createTestUser('web-reader');
    const friend = await createTestUser('web-friend');
    const sharedTitle = `Shared ${randomUUID().slice(0, 8)}`;
    const ownTitle = `Own ${randomUUID().slice(0, 8)}`;
    const shared = await api('/notes', { method: 'POST', token: friend.accessToken, body: { title: sharedTitle, sharedWith: [me.userId] } });
    const own = await api('/notes', { method: 'POST', token: me.accessToken, body: { title: ownTitle } });
    expect([shared.status, own.status]).toEqual([201, 201]);
    const { page, problems } = await openApp();

    // Act
    await page.getByLabel('Email').fill(me.email);
    await page.getByLabel('Password').fill(me.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.notes li').nth(1).waitFor({ timeout: 20_000 });
    const titles = await page.locator('.notes li strong').allTextContents();
    const sharedBadge = await page.locator('.notes li', { hasText: sharedTitle }).locator('.badge').textContent();
    const ownBadges = await page.locator('.notes li', { hasText: ownTitle }).locator('.badge').count();
    await page.getByRole('button', { name: new RegExp(ownTitle) }).click();
    await page.getByLabel('Title').fill(`${ownTitle} edited`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: new RegExp(`${ownTitle} edited`) }).waitFor({ timeout: 20_000 });
    await page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });
    await page.reload({ waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Notes' }).waitFor({ timeout: 10_000 });
    // A link to the note (as a reload of its editor would be) opens it, read from the API.
    await page.goto(`${baseUrl()}/app/#/notes/${(shared.body as { id: string }).id}`);
    await page.getByRole('heading', { name: sharedTitle }).waitFor({ timeout: 10_000 });
    const linkedReadOnly = await page.getByLabel('Title').getAttribute('readonly');
    const stored = await api<{ title: string; version: number }>(`/notes/${(own.body as { id: string }).id}`, { token: me.accessToken });

    // Assess
    expect(titles).toEqual([ownTitle, sharedTitle]);
    expect(sharedBadge).toBe('shared with you');
    expect(ownBadges).toBe(0);
    expect(stored.body).toMatchObject({ title: `${ownTitle} edited`, version: 2 });
    expect(linkedReadOnly).not.toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  /** Signs `user` in on a fresh page and waits for the note titled `title` in the list. */
  async function signInAndFind(user: { email: string; password: string }, title: string): Promise<{ page: Page; problems: string[] }> {
    const opened = await openApp();
    await signInThroughApp(opened.page, user);
    await opened.page.getByRole('button', { name: new RegExp(title) }).waitFor({ timeout: 20_000 });
    return opened;
  }

  /** The server's copy of a note, read again until `done` holds of it (up to 15 s). */
  async function serverNote(id: string, token: string, done: (note: { title: string; version: number }) => boolean): Promise<{ title: string; version: number }> {
    const until = Date.now() + 15_000;
    for (;;) {
      const response = await api<{ title: string; version: number }>(`/notes/${id}`, { token });
      if (response.status === 200 && (done(response.body) || Date.now() > until)) return response.body;
      if (Date.now() > until) throw new Error(`GET /notes/${id}: ${response.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  test('a note edited on another device appears in the open list without a reload', async () => {
    // Prepare
    const me = await createTestUser('web-live');
    const title = `Live ${randomUUID().slice(0, 8)}`;
    const created = await api<{ id: string; version: number }>('/notes', { method: 'POST', token: me.accessToken, body: { title } });
    expect(created.status).toBe(201);
    const { page, problems } = await signInAndFind(me, title);
    await page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });

    // Act: the "other device" is the API with the same user's token
    const edited = await api(`/notes/${created.body.id}`, { method: 'PATCH', token: me.accessToken, headers: { 'if-match': String(created.body.version) }, body: { title: `${title} from my phone` } });
    await page.getByRole('button', { name: new RegExp(`${title} from my phone`) }).waitFor({ timeout: 15_000 });
    const navigations = await page.evaluate('performance.getEntriesByType("navigation").length');

    // Assess
    expect(edited.status).toBe(200);
    expect(navigations).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('an edit made offline is marked waiting, and syncs when the browser is back online', async () => {
    // Prepare
    const me = await createTestUser('web-offline');
    const title = `Offline ${randomUUID().slice(0, 8)}`;
    const created = await api<{ id: string }>('/notes', { method: 'POST', token: me.accessToken, body: { title } });
    expect(created.status).toBe(201);
    const { page, problems } = await signInAndFind(me, title);
    await page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });

    try {
      // Act
      await browser.setOffline(true);
      await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: new RegExp(title) }).click();
      await page.getByLabel('Title').fill(`${title} on the train`);
      await page.getByRole('button', { name: 'Save' }).click();
      const listed = page.locator('.notes li', { hasText: `${title} on the train` });
      await listed.locator('.local').waitFor({ timeout: 15_000 });
      const marked = await listed.locator('.local').textContent();
      const statusOffline = await page.getByRole('status').filter({ hasText: 'Offline' }).textContent();
      // Signing out now would delete the waiting edit: the app asks first, and staying keeps everything.
      await page.getByRole('button', { name: 'Sign out' }).click();
      const warning = page.getByRole('alertdialog', { name: 'Sign out with unsent changes?' });
      const warned = await warning.textContent({ timeout: 10_000 });
      const focused = await page.evaluate('document.activeElement && document.activeElement.textContent');
      const violations = await auditScreen(page, 'sign-out-warning');
      await warning.getByRole('button', { name: 'Stay signed in' }).click();
      await warning.waitFor({ state: 'detached', timeout: 10_000 });
      const whileOffline = await api<{ title: string }>(`/notes/${created.body.id}`, { token: me.accessToken });
      await browser.setOffline(false);
      await listed.locator('.local').waitFor({ state: 'detached', timeout: 15_000 });
      const onServer = await serverNote(created.body.id, me.accessToken, (note) => note.title === `${title} on the train`);

      // Assess
      expect(marked).toBe('waiting to sync');
      expect(statusOffline).toBe('Offline · 1 change waiting');
      expect(warned).toContain('1 change has not reached the server (1 waiting to sync)');
      expect(focused).toBe('Stay signed in');
      expect(violations).toEqual([]);
      expect(whileOffline.body.title).toBe(title);
      expect(onServer).toMatchObject({ title: `${title} on the train`, version: 2 });
      expect(problems).toEqual([]);
    } finally {
      await browser.setOffline(false);
      await page.close();
    }
  }, 60_000);

  test('an offline edit that meets a newer version shows both and keeps the chosen one', async () => {
    // Prepare
    const me = await createTestUser('web-conflict');
    const title = `Conflict ${randomUUID().slice(0, 8)}`;
    const created = await api<{ id: string; version: number }>('/notes', { method: 'POST', token: me.accessToken, body: { title, body: 'first' } });
    expect(created.status).toBe(201);
    const { page } = await signInAndFind(me, title);
    await page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });

    try {
      // Act
      await browser.setOffline(true);
      await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: new RegExp(title) }).click();
      await page.getByLabel('Title').fill(`${title} mine`);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('.notes li', { hasText: `${title} mine` }).locator('.local').waitFor({ timeout: 15_000 });
      const theirs = await api(`/notes/${created.body.id}`, { method: 'PATCH', token: me.accessToken, headers: { 'if-match': String(created.body.version) }, body: { title: `${title} theirs`, body: 'from the laptop' } });
      await browser.setOffline(false);
      const conflict = page.getByRole('article', { name: /Conflict/ });
      await conflict.waitFor({ timeout: 15_000 });
      const shown = await conflict.textContent();
      const marked = await page.locator('.notes li .local-conflict').textContent();
      const violations = await auditScreen(page, 'notes-conflict');
      await conflict.getByRole('button', { name: 'Keep mine' }).click();
      await conflict.waitFor({ state: 'detached', timeout: 15_000 });
      const onServer = await serverNote(created.body.id, me.accessToken, (note) => note.title === `${title} mine`);

      // Assess
      expect(theirs.status).toBe(200);
      expect(shown).toContain(`${title} mine`);
      expect(shown).toContain(`${title} theirs`);
      expect(shown).toContain('from the laptop');
      expect(marked).toBe('conflict: changed elsewhere, choose a version');
      expect(violations).toEqual([]);
      expect(onServer).toMatchObject({ title: `${title} mine`, version: 3 });
    } finally {
      await browser.setOffline(false);
      await page.close();
    }
  }, 60_000);

  test('a change the server refuses is marked, says why, and can be discarded', async () => {
    // Prepare
    const me = await createTestUser('web-refused');
    const keep = `Kept ${randomUUID().slice(0, 8)}`;
    const created = await api('/notes', { method: 'POST', token: me.accessToken, body: { title: keep } });
    expect(created.status).toBe(201);
    const { page, problems } = await signInAndFind(me, keep);
    const title = `Refused ${randomUUID().slice(0, 8)}`;

    // Act: a tag longer than 40 characters, which the API refuses with a 400
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Tags').fill('x'.repeat(41));
    await page.getByRole('button', { name: 'Save' }).click();
    const listed = page.locator('.notes li', { hasText: title });
    await listed.locator('.local-failed').waitFor({ timeout: 15_000 });
    const marked = await listed.locator('.local').textContent();
    const refused = page.getByRole('listitem', { name: `Refused: ${title}` });
    await refused.waitFor({ timeout: 15_000 });
    const explained = await refused.textContent();
    await refused.getByRole('button', { name: 'Discard change' }).click();
    await listed.waitFor({ state: 'detached', timeout: 15_000 });
    const panels = await page.getByRole('heading', { name: 'Changes the server refused' }).count();
    const titles = await page.locator('.notes li strong').allTextContents();

    // Assess
    expect(marked).toBe('not saved: the server refused this change');
    expect(explained).toContain(`New note “${title}”:`);
    expect(panels).toBe(0);
    expect(titles).toEqual([keep]);
    expect(problems).toEqual([expect.stringMatching(/^POST .*\/notes: 400$/)]);
    await page.close();
  }, 60_000);
});
