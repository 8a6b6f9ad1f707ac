import { readFileSync } from 'node:fs';
import path from 'node:path';
import { withJsExtensions } from '../client/build';
import { repoRoot } from '../platform/service-definitions';

describe('the client package build', () => {
  test('relative imports in declarations get .js; packages and already-spelled ones stay', () => {
    // Prepare
    const declarations = [
      "export { createClient } from './client';",
      'export type { Realtime } from "./realtime";',
      "import type { paths } from './schema.js';",
      "export type X = import('./errors').ApiError;",
      "import type { Foo } from '../shared/foo';",
      "import type { Bar } from 'some-package';",
    ].join('\n');

    // Act
    const rewritten = withJsExtensions(declarations);

    // Assess
    expect(rewritten.split('\n')).toEqual([
      "export { createClient } from './client.js';",
      'export type { Realtime } from "./realtime.js";',
      "import type { paths } from './schema.js';",
      "export type X = import('./errors.js').ApiError;",
      "import type { Foo } from '../shared/foo.js';",
      "import type { Bar } from 'some-package';",
    ]);
  });

  test("the package's version is the API document's", () => {
    // Prepare
    const read = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as { version?: string; info?: { version: string } };

    // Act
    const client = read('clients/typescript/package.json').version;
    const api = read('docs/openapi.json').info?.version;

    // Assess
    expect(client).toBe(api);
  });
});
