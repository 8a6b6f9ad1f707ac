// Finds a Chromium for the browser tests, needing nothing but npm: CHROMIUM_PATH, else a system Chrome or
// Chromium (Linux and macOS install paths), else the Chromium shipped inside the npm package
// @sparticuz/chromium (Linux x64/arm64; unpacked to the temp dir on first use, ~4 s).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext } from 'playwright-core';

export interface BrowserExecutable {
  executablePath: string;
  args: string[];
  /** Where it came from, for the test log. */
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

export const systemChromiumPaths: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
};

const headlessArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Lookup {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
  bundled: () => Promise<{ executablePath: string; args: string[] }>;
}

/** The package is an ES module that finds its files through import.meta: ask a plain node process for them. */
async function bundledChromium(): Promise<{ executablePath: string; args: string[] }> {
  const script = "import('@sparticuz/chromium').then(async ({ default: c }) => console.log(JSON.stringify({ executablePath: await c.executablePath(), args: c.args })))";
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`@sparticuz/chromium could not unpack its browser: ${stderr || error.message}`)) : resolve(stdout)));
  });
  return JSON.parse(output) as { executablePath: string; args: string[] };
}

export async function findChromium(lookup: Partial<Lookup> = {}): Promise<BrowserExecutable> {
  const { env = process.env, platform = process.platform, exists = existsSync, bundled = bundledChromium } = lookup;
  const pinned = env.CHROMIUM_PATH;
  if (pinned) {
    if (!exists(pinned)) throw new Error(`CHROMIUM_PATH is ${pinned}, which does not exist. Unset it to use a system Chrome/Chromium or the one from npm.`);
    return { executablePath: pinned, args: headlessArgs, source: 'CHROMIUM_PATH' };
  }
  const system = (systemChromiumPaths[platform] ?? []).find((file) => exists(file));
  if (system) return { executablePath: system, args: headlessArgs, source: 'system' };
  if (platform !== 'linux') {
    throw new Error('No Chrome or Chromium found. Install Google Chrome, or set CHROMIUM_PATH to a Chromium binary (SKIP_BROWSER_TESTS=1 skips the browser tests on purpose).');
  }
  const fromNpm = await bundled();
  return { executablePath: fromNpm.executablePath, args: [...new Set([...fromNpm.args, ...headlessArgs])], source: '@sparticuz/chromium' };
}

/** A headless Chromium context on a throwaway profile (findChromium's binary); `close()` also removes the profile. */
export async function launchHeadless(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const chromiumBinary = await findChromium();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'photonotes-chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumBinary.executablePath, headless: true, args: chromiumBinary.args });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A headless Chromium (findChromium's binary) that can open several isolated contexts, one per user of a
 * journey: each `browser.newContext()` has its own storage, IndexedDB and cookies.
 */
export async function launchBrowser(): Promise<Browser> {
  const chromiumBinary = await findChromium();
  // @sparticuz/chromium's args run everything in one process (made for Lambda), where contexts share
  // localStorage and closing one can end the browser: several users need Chromium's own process per context.
  const args = chromiumBinary.args.filter((arg) => arg !== '--single-process');
  return chromium.launch({ executablePath: chromiumBinary.executablePath, headless: true, args });
}

/** A describe block of browser tests: they run on every machine; SKIP_BROWSER_TESTS=1 skips them on purpose only. */
export const describeInBrowser = process.env.SKIP_BROWSER_TESTS === '1' ? describe.skip : describe;
