import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readmeScreens } from '../../test/support/screen-audit';

const repoRoot = path.resolve(__dirname, '../..');

describe("the README's screenshots", () => {
  test('every picture the README shows exists, and is one the browser tests refresh', () => {
    // Prepare
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

    const browserTests = readdirSync(path.join(repoRoot, 'test/integration'))
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => readFileSync(path.join(repoRoot, 'test/integration', file), 'utf8'));

    // Act
    const shown = [...readme.matchAll(/\]\(docs\/screens\/([a-z0-9-]+)\.png\)/g)].map((match) => match[1] as string);
    const audited = new Set(browserTests.flatMap((source) => [...source.matchAll(/auditScreen\([^,]+, '([a-z0-9-]+)'\)/g)].map((match) => match[1] as string)));

    // Assess
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((name) => !existsSync(path.join(repoRoot, 'docs/screens', `${name}.png`)))).toEqual([]);
    expect([...new Set(shown)].sort()).toEqual([...readmeScreens].sort());
    expect([...readmeScreens].filter((name) => !audited.has(name))).toEqual([]);
  });
});
