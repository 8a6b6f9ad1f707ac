// Two people using the web app at once, each in their own browser context (own storage, IndexedDB and
// realtime connection), against the whole local platform: A writes a note with a photo and shares it; B sees it
// arrive live with its notification and finds it by search; A edits offline and the edit syncs; a conflict with
// A's other device is resolved in A's browser, and B sees the chosen version.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { solidPng } from '../../services/thumbnails/test/support/images';
import { api } from '../support/api';
import { describeInBrowser, launchBrowser } from '../support/browser';
import { eventually } from '../support/eventually';
import { auditScreen } from '../support/screen-audit';
import { ensureWebBuilt } from '../support/web-build';
import { openApp, signInThroughApp } from '../support/web-app';
import { createTestUser, untilShareable } from '../support/users';
import type { TestUser } from '../support/users';

interface Person {
  user: TestUser;
  context: BrowserContext;
  page: Page;
  /** Page errors and failed calls seen by this person's page. */
  problems: string[];
}

describeInBrowser('two people in the web app', () => {
  let browser: Browser | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    for (const person of people) await person.context.close().catch(() => undefined);
    await browser?.close();
  });

  async function signedIn(prefix: string): Promise<Person> {
    const user = await createTestUser(prefix);
    const context = await (browser as Browser).newContext();
    const { page, problems } = await openApp(context);
    await signInThroughApp(page, user);
    await page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });
    const person = { user, context, page, problems };
    people.push(person);
    return person;
  }

  /** The note's copy on the server as `user` reads it, once `done` holds (or the last read after 15 s). */
  function serverNote(id: string, user: TestUser, done: (note: { title: string; version: number; sharedWith: string[] }) => boolean) {
    return eventually(
      () => api<{ title: string; version: number; sharedWith: string[] }>(`/notes/${id}`, { token: user.accessToken }),
      (response) => response.status === 200 && done(response.body),
    );
  }

  test('A shares a note with a photo, B sees it live, is notified and finds it; offline edits and a conflict reach both', async () => {
    // Prepare
    const a = await signedIn('journey-a');
    const b = await signedIn('journey-b');
    await untilShareable(b.user.userId);
    const title = `Harbour ${randomUUID().slice(0, 8)}`;
    const photo = await solidPng(64, 48, '#2266aa');

    // Act 1: A writes the note, adds a photo and shares it with B by e-mail
    await a.page.getByRole('button', { name: 'New note' }).click();
    await a.page.getByLabel('Title').fill(title);
    await a.page.getByLabel('Body').fill('Boats at dawn.');
    await a.page.getByLabel('Tags').fill('travel');
    await a.page.getByRole('button', { name: 'Save' }).click();
    const listedForA = a.page.getByRole('button', { name: new RegExp(title) });
    await listedForA.waitFor({ timeout: 20_000 });
    await a.page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });
    await listedForA.click();
    await a.page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: photo });
    await a.page.getByRole('button', { name: 'Add photo' }).click();
    await a.page.getByRole('img', { name: new RegExp(title) }).first().waitFor({ timeout: 30_000 });
    await a.page.getByLabel('Share with (e-mail)').fill(b.user.email);
    await a.page.getByRole('button', { name: 'Share', exact: true }).click();
    await a.page.getByRole('button', { name: /^Stop sharing with/ }).waitFor({ timeout: 15_000 });
    const violations = await auditScreen(a.page, 'journey-note-shared');
    const noteId = decodeURIComponent(new URL(a.page.url()).hash.split('/').pop() ?? '');

    // Assess 1: B's open list shows the note without a reload, and B's inbox has the share
    const listedForB = b.page.getByRole('button', { name: new RegExp(title) });
    await listedForB.waitFor({ timeout: 15_000 });
    const navigationsOfB = await b.page.evaluate('performance.getEntriesByType("navigation").length');
    const inboxLink = b.page.getByRole('link', { name: /Inbox, 1 unread/ });
    await inboxLink.waitFor({ timeout: 15_000 });
    await inboxLink.click();
    const shareNotice = b.page.getByRole('listitem').filter({ hasText: title });
    await shareNotice.waitFor({ timeout: 15_000 });
    const shareNoticeText = await shareNotice.textContent();
    const shareNoticeLink = await shareNotice.getByRole('link', { name: 'A note was shared with you' }).getAttribute('href');
    violations.push(...(await auditScreen(b.page, 'journey-inbox')));

    // Act 2: B searches for the note as they type (once the index has the share: the API answers B first)
    const query = title.split(' ')[1] ?? title;
    const indexedForB = await eventually(
      async () => (await api<{ items: { id: string }[] }>(`/search?q=${query}`, { token: b.user.accessToken })).body.items.length,
      (count) => count > 0,
      20_000,
    );
    await b.page.getByRole('link', { name: 'Search' }).click();
    await b.page.getByLabel('Search notes').pressSequentially(query, { delay: 30 });
    const found = b.page.getByRole('main').getByText(title).first();
    await eventually(
      async () => found.isVisible(),
      (visible) => visible,
      20_000,
    );
    const foundVisible = await found.isVisible();
    const searchStatus = await b.page.locator('.search-status').textContent();
    const typed = await b.page.getByLabel('Search notes').inputValue();

    // Act 3: A edits offline; the edit waits, then syncs when A is back online, and reaches B's list
    await a.page.getByRole('link', { name: 'Notes' }).click();
    await a.context.setOffline(true);
    await a.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 15_000 });
    await a.page.getByRole('button', { name: new RegExp(title) }).click();
    await a.page.getByLabel('Title').fill(`${title} at noon`);
    await a.page.getByRole('button', { name: 'Save' }).click();
    const waiting = await a.page.locator('.notes li', { hasText: `${title} at noon` }).locator('.local').textContent({ timeout: 15_000 });
    await a.context.setOffline(false);
    const synced = await serverNote(noteId, a.user, (note) => note.title === `${title} at noon`);
    await b.page.getByRole('link', { name: 'Notes' }).click();
    await b.page.getByRole('button', { name: new RegExp(`${title} at noon`) }).waitFor({ timeout: 15_000 });

    // Act 4: A edits offline again while A's other device changes the note; A keeps their own version
    await a.page.getByRole('status').filter({ hasText: 'all changes saved' }).waitFor({ timeout: 15_000 });
    await a.context.setOffline(true);
    await a.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 15_000 });
    await a.page.getByRole('button', { name: new RegExp(`${title} at noon`) }).click();
    await a.page.getByLabel('Title').fill(`${title} at dusk`);
    await a.page.getByRole('button', { name: 'Save' }).click();
    await a.page.locator('.notes li', { hasText: `${title} at dusk` }).locator('.local').waitFor({ timeout: 15_000 });
    const otherDevice = await api(`/notes/${noteId}`, { method: 'PATCH', token: a.user.accessToken, headers: { 'if-match': String(synced.body.version) }, body: { title: `${title} from the phone` } });
    await a.context.setOffline(false);
    const conflict = a.page.getByRole('article', { name: /Conflict/ });
    await conflict.waitFor({ timeout: 15_000 });
    const bothShown = await conflict.textContent();
    await conflict.getByRole('button', { name: 'Keep mine' }).click();
    await conflict.waitFor({ state: 'detached', timeout: 15_000 });
    const resolved = await serverNote(noteId, a.user, (note) => note.title === `${title} at dusk`);
    await b.page.getByRole('button', { name: new RegExp(`${title} at dusk`) }).waitFor({ timeout: 15_000 });

    // Assess
    expect(navigationsOfB).toBe(1);
    expect(shareNoticeText).toContain(`“${title}”`);
    expect(shareNoticeText).toContain('· unread');
    expect(shareNoticeLink).toBe(`#/notes/${encodeURIComponent(noteId)}`);
    expect(indexedForB).toBe(1);
    expect({ foundVisible, searchStatus, typed }).toEqual({ foundVisible: true, searchStatus: `1 note matches “${query}”.`, typed: query });
    expect(waiting).toBe('waiting to sync');
    expect(synced.body).toMatchObject({ title: `${title} at noon`, sharedWith: [b.user.userId] });
    expect(otherDevice.status).toBe(200);
    expect(bothShown).toContain(`${title} at dusk`);
    expect(bothShown).toContain(`${title} from the phone`);
    expect(resolved.body.title).toBe(`${title} at dusk`);
    expect(violations).toEqual([]);
    expect(a.problems.filter((problem) => !problem.includes(': 412'))).toEqual([]);
    expect(b.problems).toEqual([]);
  }, 180_000);
});
