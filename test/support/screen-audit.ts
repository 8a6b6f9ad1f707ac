// Every screen of the web app, checked the same way in the browser tests: axe-core finds no serious or critical
// accessibility violation, and a screenshot is saved as a test artifact (.local/test-artifacts/screens/<name>.png).
// UPDATE_SCREENSHOTS=1 also writes the README's screens (readmeScreens) to docs/screens/.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';

const root = path.resolve(__dirname, '../..');
export const artifactsDir = path.join(root, '.local/test-artifacts/screens');
export const docsScreensDir = path.join(root, 'docs/screens');
/** The screens the README shows (docs/screens/<name>.png); every other audited screen is a test artifact only. */
export const readmeScreens: ReadonlySet<string> = new Set(['sign-in', 'notes', 'note-sharing', 'notes-conflict', 'search', 'inbox', 'thing', 'admin', 'sign-out-warning']);

let axeSource: string | undefined;
function axeScript(): string {
  axeSource ??= readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Audits what the page shows now as the screen `name` (a file name: letters, digits and dashes): answers the
 * serious and critical violations, each as one line naming the rule and the elements (none: the screen passes).
 */
export async function auditScreen(page: Page, name: string): Promise<string[]> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`auditScreen: "${name}" is not a plain file name`);
  const alreadyLoaded = await page.evaluate('typeof window.axe === "object"');
  if (!alreadyLoaded) await page.addScriptTag({ content: axeScript() });
  const violations = (await page.evaluate('window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as AxeViolation[];
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1' && readmeScreens.has(name)) {
    mkdirSync(docsScreensDir, { recursive: true });
    await page.screenshot({ path: path.join(docsScreensDir, `${name}.png`), fullPage: true });
  }
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${name}: ${violation.impact} ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
}
