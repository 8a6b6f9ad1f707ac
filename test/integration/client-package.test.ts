// @photonotes/client as an app team gets it: `npm pack` in clients/typescript (its prepack builds dist/), the
// tarball installed into a fresh project outside this repository (no workspace, no paths, no registry), then
// used from an ES module, from CommonJS and from strict TypeScript against the local platform: sign in, a note,
// a page, an error.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { clientRoot } from '../../scripts/client/build';
import { repoRoot } from '../../scripts/platform/service-definitions';
import { baseUrl } from '../support/api';
import { createTestUser } from '../support/users';
import type { TestUser } from '../support/users';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** What the consumer scripts print: one JSON line. */
interface Outcome {
  signedIn: boolean;
  created: { id: string; title: string; version: number };
  page: { count: number; hasCursor: boolean; firstTitle: string | null };
  error: { isApiError: boolean; status: number; code: string };
}

// The same journey in both module systems; `load` is how each gets the package.
const journey = (load: string) => `${load}
const { createSession, isApiError } = client;
(async () => {
  const session = createSession({ baseUrl: process.env.API_URL });
  await session.logIn(process.env.EMAIL, process.env.PASSWORD);
  const created = await session.api.post('/notes', { body: { title: process.env.TITLE, tags: ['packaged'] } });
  const page = await session.api.get('/notes', { query: { limit: 1 } });
  const error = await session.api.get('/notes/{id}', { params: { id: '00000000-0000-4000-8000-000000000000' } }).catch((e) => e);
  console.log(JSON.stringify({
    signedIn: session.tokens !== undefined,
    created: { id: created.id, title: created.title, version: created.version },
    page: { count: page.items.length, hasCursor: page.nextCursor !== null, firstTitle: page.items[0]?.title ?? null },
    error: { isApiError: isApiError(error), status: error.status, code: error.code },
  }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

// Strict TypeScript with Node16 resolution: the package's declarations must resolve (no implicit any) and type
// the calls, including the error below, which tsc must refuse.
const typedConsumer = `import { createSession, isApiError, type Note } from '@photonotes/client';
export async function firstTitle(baseUrl: string): Promise<string | undefined> {
  const session = createSession({ baseUrl });
  const page = await session.api.get('/notes', { query: { limit: 1 } });
  const note: Note | undefined = page.items[0];
  try {
    await session.api.get('/notes/{id}', { params: { id: 'x' } });
  } catch (error) {
    if (isApiError(error)) return error.code;
  }
  return note?.title;
}
`;
const wronglyTyped = `import { createSession } from '@photonotes/client';
export const wrong = createSession({ baseUrl: '' }).api.get('/notes/{id}', { params: { noteId: 'x' } });
`;

describe('@photonotes/client, packed and installed outside the repository', () => {
  let project: string;
  let tarball: string;
  let packedFiles: string[];
  let user: TestUser;

  beforeAll(async () => {
    project = mkdtempSync(path.join(tmpdir(), 'photonotes-client-consumer-'));
    const packed = await run(npm, ['pack', '--json', '--pack-destination', project], { cwd: clientRoot, maxBuffer: 16 * 1024 * 1024 });
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(project, (info as { filename: string }).filename);
    packedFiles = (info as { files: { path: string }[] }).files.map((file) => file.path);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }));
    await run(npm, ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project });
    user = await createTestUser('packaged');
  }, 120_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  async function runConsumer(file: string, source: string, title: string): Promise<Outcome> {
    writeFileSync(path.join(project, file), source);
    const { stdout } = await run(process.execPath, [file], { cwd: project, env: { ...process.env, API_URL: baseUrl(), EMAIL: user.email, PASSWORD: user.password, TITLE: title } });
    return JSON.parse(stdout.trim()) as Outcome;
  }

  test('the tarball holds the build, the docs and nothing of the source, at the API version', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/@photonotes/client/package.json'), 'utf8')) as { version: string; private?: boolean; dependencies?: object };
    const apiVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'docs/openapi.json'), 'utf8')) as { info: { version: string } }).info.version;

    // Assess
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts']));
    expect(packedFiles.filter((file) => file.startsWith('src/') || file.startsWith('test/'))).toEqual([]);
    expect(manifest.version).toBe(apiVersion);
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
  });

  test.each([
    ['an ES module', 'consumer.mjs', "import * as client from '@photonotes/client';"],
    ['CommonJS', 'consumer.cjs', "const client = require('@photonotes/client');"],
  ])('from %s: signs in, creates a note, reads a page and gets a typed error', async (_kind, file, load) => {
    // Prepare
    const title = `Packaged ${file}`;

    // Act
    const outcome = await runConsumer(file, journey(load), title);

    // Assess
    expect(outcome.signedIn).toBe(true);
    expect(outcome.created).toMatchObject({ title, version: 1 });
    expect(outcome.page.count).toBe(1);
    expect(typeof outcome.page.firstTitle).toBe('string');
    expect(outcome.error).toEqual({ isApiError: true, status: 404, code: 'NOT_FOUND' });
  }, 60_000);

  test('strict TypeScript (Node16 resolution) types the calls from the declarations and refuses a wrong parameter', async () => {
    // Prepare
    writeFileSync(path.join(project, 'typed.ts'), typedConsumer);
    writeFileSync(path.join(project, 'wrong.ts'), wronglyTyped);
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const options = ['--noEmit', '--strict', '--noImplicitAny', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--lib', 'es2022,dom'];

    // Act: one compilation of both files (the declarations are large); errors name their file
    const output = await run(process.execPath, [tsc, ...options, 'typed.ts', 'wrong.ts'], { cwd: project }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));

    // Assess: wrong.ts alone is refused, for the parameter it misnames
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((line) => !line.startsWith('wrong.ts'))).toEqual([]);
    expect(output).toContain('noteId');
  }, 60_000);
});
