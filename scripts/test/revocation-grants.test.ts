// Every HTTP function that verifies tokens reads the users service's revocation list (shared/src/revocations.ts):
// it needs a read-only grant on that table, the one table other services may read (ARCHITECTURE.md v2), and nothing
// more on it. Functions that verify no token have no business with it. The grant is found in each serverless.yml as
// the local stage declares it (anchors resolved), and a route's `auth` in the route module the handler serves.
import path from 'node:path';
import type { HttpRoute } from '@photonotes/shared/http-route';
import { localFunctions, readYaml } from '../platform/service-definitions';
import { httpFunctions, servedRoute } from './support/http-functions';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}

/** How a service names the table: its ARN imported from the users stack, or the users stack's own resource. */
const revocationsTable = (service: string): unknown => (service === 'users' ? 'RevocationsTable.Arn' : '${param:revocationsTableArn}');

const functions = httpFunctions().map((fn) => {
  const raw = readYaml<{ functions?: Record<string, unknown> }>(path.join(fn.serviceDir, 'serverless.yml'));
  const declared = localFunctions(raw.functions ?? {}, fn.serviceDir)[fn.name] as { iamRoleStatements?: Statement[] } | undefined;
  const served = servedRoute(fn.handlerFile);
  const route = (jest.requireActual<Record<string, HttpRoute<undefined, undefined, undefined>>>(served.file))[served.exportName];
  const onTable = (declared?.iamRoleStatements ?? []).filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(revocationsTable(fn.service)));
  return { key: `${fn.service}/${fn.name}`, verifiesTokens: (route?.auth ?? true) !== false, onTable, events: fn.events };
  // Routes under /dev/ exist only in the local stage, where IAM is not enforced (check:deploy keeps them out of deployed ones).
}).filter((fn) => !fn.events.some((event) => / \/dev\//.test(event)));

test('the HTTP functions are found, with and without tokens', () => {
  // Assess
  expect(functions.filter((fn) => fn.verifiesTokens).length).toBeGreaterThan(30);
  expect(functions.filter((fn) => !fn.verifiesTokens).length).toBeGreaterThan(5);
});

const query = { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: expect.anything() };
/** The one function that writes the list: account deletion, in the service that owns it. */
const writer = 'users/deleteAccount';

test.each(functions.filter((fn) => fn.verifiesTokens && fn.key !== writer).map((fn) => [fn.key, fn] as const))('%s may Query the revocation list, and only that', (_key, fn) => {
  // Assess
  expect(fn.onTable).toEqual([query]);
});

test(`${writer} reads the list like every route, and writes its entries`, () => {
  // Assess
  expect(functions.find((fn) => fn.key === writer)?.onTable).toEqual([{ Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: expect.anything() }, query]);
});

test.each(functions.filter((fn) => !fn.verifiesTokens).map((fn) => [fn.key, fn] as const))('%s verifies no token and has no grant on the list', (_key, fn) => {
  // Assess
  expect(fn.onTable).toEqual([]);
});
