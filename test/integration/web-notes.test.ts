// The web app's notes features in headless Chromium (clients/web, built and served at /app like web-app.test.ts):
// a photo attached to a note (upload progress, processing, the thumbnail in the editor and the list), sharing by
// e-mail (a second user's API then lists the note as shared with them) and making it public, an unknown address
// and a spent look-up allowance (429) explained, and search as you type opening the note. Each screen is audited
// (axe-core) and photographed.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Route } from 'playwright-core';
import { solidPng } from '../../services/thumbnails/test/support/images';
import { api, baseUrl } from '../support/api';
import { describeInBrowser, launchHeadless } from '../support/browser';
import { eventually } from '../support/eventually';
import { auditScreen } from '../support/screen-audit';
import { ensureWebBuilt } from '../support/web-build';
import { openApp, signInThroughApp, type AppPage } from '../support/web-app';
import { createTestUser, uniqueEmail } from '../support/users';

describeInBrowser('notes in the web app: photo, sharing, search', () => {
  let headless: Awaited<ReturnType<typeof launchHeadless>> | undefined;
  let browser: BrowserContext;

  beforeAll(async () => {
    ensureWebBuilt();
    headless = await launchHeadless();
    browser = headless.browser;
  }, 120_000);

  afterAll(async () => {
    await headless?.close();
  });

  /** Signs `user` in on a fresh page (no session kept from another test) that records page errors and failed calls. */
  async function signIn(user: { email: string; password: string }): Promise<AppPage> {
    const opened = await openApp(browser);
    await signInThroughApp(opened.page, user);
    return opened;
  }

  test('a user attaches a photo to a note, shares it by e-mail and makes it public, then finds it by searching', async () => {
    // Prepare
    const owner = await createTestUser('web-owner');
    const friend = await createTestUser('web-friend');
    const word = `harbour${randomUUID().slice(0, 6)}`;
    const title = `Boats at the ${word}`;
    const image = await solidPng(320, 240);
    const { page, problems } = await signIn(owner);
    // The upload's PUT is held until the progress bar has been seen, so a fast local upload cannot skip it.
    let releaseUpload: () => void = () => undefined;
    const progressSeen = new Promise<void>((resolve) => (releaseUpload = resolve));
    await page.route(
      (url) => !url.href.startsWith(baseUrl()),
      async (route: Route) => {
        if (route.request().method() === 'PUT') await progressSeen;
        await route.continue();
      },
    );

    // Act: the note, then its photo
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Body').fill('A quiet morning on the water.');
    const newNoteHint = await page.getByText('Save the note to add a photo or share it.').count();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: new RegExp(title) }).click();
    await page.getByRole('heading', { name: 'Edit note' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Photo').setInputFiles({ name: 'boats.png', mimeType: 'image/png', buffer: image });
    await page.getByRole('button', { name: 'Add photo' }).click();
    const progress = page.getByRole('progressbar', { name: /Uploading: \d+ %/ });
    await progress.waitFor({ timeout: 10_000 });
    const progressInStatus = await page.getByRole('status').filter({ has: progress }).count();
    releaseUpload();
    const thumbnail = page.getByRole('img', { name: `Photo of ${title}` });
    await thumbnail.waitFor({ timeout: 20_000 });
    // A string: this project compiles without the DOM's types, and the code runs in the page.
    const loadedWidth = `(() => { const img = [...document.images].find((i) => i.alt === ${JSON.stringify(`Photo of ${title}`)}); return img && img.complete ? img.naturalWidth : 0; })()`;
    const shownWidth = await eventually(() => page.evaluate(loadedWidth) as Promise<number>, (width) => width > 0, 10_000);

    // Act: sharing (an unknown address first)
    await page.getByLabel('Share with (e-mail)').fill(uniqueEmail('nobody'));
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const unknown = await page.getByRole('alert').filter({ hasText: 'No user with that e-mail' }).textContent({ timeout: 10_000 });
    await page.getByLabel('Share with (e-mail)').fill(friend.email.toUpperCase());
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Shared with web-friend' }).waitFor({ timeout: 10_000 });
    const sharedList = await page.locator('.shared-with li').allTextContents();
    await page.getByLabel('Public').check();
    await page.getByRole('status').filter({ hasText: 'The note is public' }).waitFor({ timeout: 10_000 });
    // The look-ups allowance spent (30 an hour per caller): the next one is refused with Retry-After, shown in words.
    let lookups = 0;
    while (lookups < 40 && (await api(`/users?email=${encodeURIComponent(uniqueEmail('spent'))}`, { token: owner.accessToken })).status !== 429) lookups += 1;
    await page.getByLabel('Share with (e-mail)').fill(uniqueEmail('later'));
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const limited = await page.getByRole('alert').filter({ hasText: 'Too many lookups' }).textContent({ timeout: 10_000 });
    const violations = await auditScreen(page, 'note-sharing');
    const noteId = await eventually(
      async () => (await api<{ items: { id: string; title: string }[] }>('/notes?scope=shared', { token: friend.accessToken })).body.items.find((note) => note.title === title)?.id,
      (id) => id !== undefined,
      15_000,
    );
    const asOwner = await eventually(
      async () => (await api<{ visibility: string; sharedWith: string[]; photo: { status: string } | null }>(`/notes/${noteId ?? 'none'}`, { token: owner.accessToken })).body,
      (note) => note.visibility === 'public' && note.photo?.status === 'ready',
      15_000,
    );

    // Act: the list shows the photo; search finds the note as the words are typed
    await page.getByRole('button', { name: 'Cancel' }).click();
    const listThumbnail = page.locator('.notes li').filter({ hasText: title }).getByRole('img', { name: `Photo of ${title}` });
    await listThumbnail.waitFor({ timeout: 20_000 });
    const foundByApi = await eventually(
      async () => (await api<{ items: { id: string }[] }>(`/search?q=${word.slice(0, 9)}`, { token: owner.accessToken })).body.items.length,
      (count) => count > 0,
      15_000,
    );
    expect(foundByApi).toBe(1); // what the screen will ask, answered by the API first
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Search' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Search notes').pressSequentially(word.slice(0, 9), { delay: 60 });
    const result = page.getByRole('button', { name: new RegExp(title) });
    await result.waitFor({ timeout: 15_000 });
    const marked = await result.locator('mark').first().textContent();
    violations.push(...(await auditScreen(page, 'search')));
    await result.click();
    await page.getByRole('heading', { name: 'Edit note' }).waitFor({ timeout: 10_000 });
    const openedTitle = await page.getByLabel('Title').inputValue();

    // Assess
    expect(newNoteHint).toBe(1);
    expect(progressInStatus).toBe(1);
    expect(shownWidth).toBeGreaterThan(0);
    expect(unknown).toContain('No user with that e-mail');
    expect(lookups).toBeLessThan(40);
    expect(limited).toMatch(/^Too many lookups, try again in [1-9]\d* s\.$/);
    expect(sharedList).toEqual([expect.stringContaining('web-friend')]);
    expect(noteId).toBeDefined();
    expect(asOwner).toMatchObject({ visibility: 'public', sharedWith: [friend.userId], photo: { status: 'ready' } });
    expect(marked?.toLowerCase()).toBe(word.slice(0, 9));
    expect(openedTitle).toBe(title);
    expect(page.url()).toContain(`#/notes/${noteId ?? ''}`);
    expect(violations).toEqual([]);
    // The unknown address's look-up and the one over the allowance are the refusals the journey expects.
    expect(problems.filter((problem) => !/GET \S+\/users\?email=\S+: (404|429)$/.test(problem))).toEqual([]);
    await page.close();
  }, 120_000);
});
