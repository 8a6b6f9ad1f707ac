// The browser tests' way into the web app: a page on /app/, signed out (no session kept from an earlier test),
// that records page errors and failed calls (`problems`), and signing in through the app's own form.
import type { BrowserContext, Page } from 'playwright-core';
import { baseUrl } from './api';

export interface AppPage {
  page: Page;
  /** Page errors and answers with a status of 400 or more, in order, as "METHOD url: status". */
  problems: string[];
}

/** A new page of `context` on the app, signed out. `recordFailedCalls: false` keeps only page errors. */
export async function openApp(context: Pick<BrowserContext, 'newPage'>, options: { recordFailedCalls?: boolean } = {}): Promise<AppPage> {
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/app/`, { waitUntil: 'load' });
  await page.evaluate('localStorage.clear()');
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  if (options.recordFailedCalls !== false) {
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.request().method()} ${response.url()}: ${response.status()}`);
    });
  }
  await page.goto(`${baseUrl()}/app/`, { waitUntil: 'load' });
  return { page, problems };
}

/** Signs `user` in through the sign-in form and waits for the notes screen. */
export async function signInThroughApp(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Notes' }).waitFor({ timeout: 20_000 });
}
