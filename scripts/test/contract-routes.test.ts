// docs/API.md is the contract and docs/openapi.json is generated from the code: every route the contract
// describes as built is in the document and the other way round. Parts marked planned are allowed to be missing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareRoutes, describeDifferences, documentRoutes, readContractRoutes } from '../openapi/contract-routes';
import { documentFile } from '../openapi/generate';
import { repoRoot } from '../platform/service-definitions';

const contractFile = path.join(repoRoot, 'docs', 'API.md');

describe('docs/API.md and docs/openapi.json', () => {
  const contract = readContractRoutes(readFileSync(contractFile, 'utf8'));
  const documented = documentRoutes(JSON.parse(readFileSync(documentFile, 'utf8')) as { paths: Record<string, Record<string, unknown>> });

  test('list the same routes, but for the planned ones and the document-only health and docs assets', () => {
    // Assess: one line per difference, naming the route
    expect(describeDifferences(contract, documented)).toEqual([]);
  });

  test('would notice a route removed from the document, or added to it', () => {
    // Prepare
    const withoutNote = documented.filter((route) => route !== 'GET /notes/{id}');
    const withExtra = [...documented, 'POST /notes/{id}/archive'];

    // Act
    const removed = describeDifferences(contract, withoutNote);
    const added = describeDifferences(contract, withExtra);

    // Assess
    expect(removed).toContain('GET /notes/{id}: in docs/API.md but not in docs/openapi.json (build it, or mark it planned)');
    expect(added).toContain('POST /notes/{id}/archive: in docs/openapi.json but not in docs/API.md');
  });

  test('marks the v2 routes that are not built yet as planned, each with its issue', () => {
    // Assess: the whole sections and the single lines alike
    expect(contract.planned.has('GET /users')).toBe(false);
    expect(contract.built).toContain('GET /users');
    expect(contract.planned.has('POST /auth/forgot')).toBe(false);
    expect(contract.built).toEqual(expect.arrayContaining(['POST /auth/forgot', 'POST /auth/reset', 'GET /dev/mail-outbox']));
    expect(contract.planned.has('POST /things')).toBe(false);
    expect(contract.planned.has('GET /analytics/summary')).toBe(false);
    expect(contract.built).toContain('POST /analytics/events');
    expect(contract.built).toContain('GET /sync');
    expect(contract.planned.has('GET /sync')).toBe(false);
  });
});

describe('readContractRoutes', () => {
  test('takes method and path from code spans, strips the query string and keeps path parameters', () => {
    // Prepare
    const markdown = ['## Notes', '- `POST /notes` `{ title }` → 201.', '- `GET /notes?scope=own|shared` → the notes.', '- `PATCH /notes/{id}` (owner only) → 200; `GET /search?q=&limit=` too.'].join('\n');

    // Act
    const routes = readContractRoutes(markdown);

    // Assess
    expect(routes.built).toEqual(['GET /notes', 'GET /search', 'PATCH /notes/{id}', 'POST /notes']);
    expect(routes.planned.size).toBe(0);
  });

  test('does not take the WebSocket, a path without a method, or a method outside a code span for a route', () => {
    // Prepare
    const markdown = ['- A WebSocket at `/realtime`: `ws://localhost:3000/realtime?token=<accessToken>`.', '- Every route except `/auth/*` needs a token; GET /health is public.'].join('\n');

    // Act
    const routes = readContractRoutes(markdown);

    // Assess
    expect(routes.built).toEqual([]);
  });

  test('a heading marked planned covers its section and its subsections, up to the next heading of its level', () => {
    // Prepare
    const markdown = ['## Things (v2, planned: #14)', '- `POST /things` → 201.', '### Alerts', '- `PUT /things/{thingId}/alerts`', '## Search', '- `GET /search` → 200.'].join('\n');

    // Act
    const routes = readContractRoutes(markdown);

    // Assess
    expect(routes.built).toEqual(['GET /search']);
    expect(routes.planned).toEqual(
      new Map([
        ['POST /things', [14]],
        ['PUT /things/{thingId}/alerts', [14]],
      ]),
    );
  });

  test('a marker covers the rest of its list item, continuation lines and nested items included, not the next item', () => {
    // Prepare
    const markdown = [
      '- `GET /users/me` → the profile.',
      '- **Planned (#16)** v2: `POST /auth/forgot` → 202; then',
      '  `POST /auth/reset` → 204.',
      '  - `GET /dev/mail-outbox` lists the codes.',
      '- `DELETE /users/me` → 204.',
      '  **Planned (#16, #18)** v2: and `GET /users` too.',
    ].join('\n');

    // Act
    const routes = readContractRoutes(markdown);

    // Assess
    expect(routes.built).toEqual(['DELETE /users/me', 'GET /users/me']);
    expect(routes.planned).toEqual(
      new Map([
        ['GET /dev/mail-outbox', [16]],
        ['GET /users', [16, 18]],
        ['POST /auth/forgot', [16]],
        ['POST /auth/reset', [16]],
      ]),
    );
  });

  test('a marker inside parentheses ends with them, even across lines', () => {
    // Prepare
    const markdown = ['- Events (`note.shared`; **Planned (#16)** v2: at most once,', '  see `GET /users`); also `GET /notifications`.'].join('\n');

    // Act
    const routes = readContractRoutes(markdown);

    // Assess
    expect(routes.built).toEqual(['GET /notifications']);
    expect([...routes.planned.keys()]).toEqual(['GET /users']);
  });

  test('a route mentioned both as built and as planned is built', () => {
    // Prepare
    const markdown = ['- `GET /sync?cursor=` → the feed.', '- **Planned (#18)** v2: `GET /sync?scope=all`.'].join('\n');

    // Act
    const routes = readContractRoutes(markdown);

    // Assess
    expect(routes.built).toEqual(['GET /sync']);
    expect(routes.planned.size).toBe(0);
  });
});

describe('compareRoutes', () => {
  const contract = (built: string[], planned: Array<[string, number[]]> = []) => ({ built, planned: new Map(planned) });

  test('names a built route missing from the document, and a documented route missing from the contract', () => {
    // Act
    const differences = compareRoutes(contract(['GET /notes', 'POST /notes']), ['GET /notes', 'DELETE /notes/{id}']);

    // Assess
    expect(differences).toEqual({ missingFromDocument: ['POST /notes'], missingFromContract: ['DELETE /notes/{id}'] });
  });

  test('allows planned routes to be missing, and the per-service health routes and the docs assets to be extra', () => {
    // Act
    const differences = compareRoutes(contract(['GET /health', 'GET /docs'], [['POST /things', [14]]]), ['GET /health', 'GET /health/users', 'GET /health/core-api', 'GET /docs', 'GET /docs/assets/{file}']);

    // Assess
    expect(differences).toEqual({ missingFromDocument: [], missingFromContract: [] });
  });

  test('does not allow other health or docs routes to be extra', () => {
    // Act
    const differences = compareRoutes(contract([]), ['GET /health', 'POST /health/users', 'GET /docs/assets/{file}/raw']);

    // Assess
    expect(differences.missingFromContract).toEqual(['GET /health', 'POST /health/users', 'GET /docs/assets/{file}/raw']);
  });

  test('a documented route still marked planned asks for the mark to be removed', () => {
    // Act
    const lines = describeDifferences(contract([], [['POST /auth/forgot', [16]]]), ['POST /auth/forgot']);

    // Assess
    expect(lines).toEqual(['POST /auth/forgot: in docs/openapi.json but still marked planned (#16) in docs/API.md: mark it done']);
  });
});

describe('documentRoutes', () => {
  test('lists every operation as METHOD /path, ignoring path-level fields', () => {
    // Act
    const routes = documentRoutes({ paths: { '/notes/{id}': { get: {}, patch: {}, parameters: [] }, '/notes': { post: {} } } });

    // Assess
    expect(routes).toEqual(['GET /notes/{id}', 'PATCH /notes/{id}', 'POST /notes']);
  });
});
