// The request bounds the document states (maxLength, maxItems, minimum, maximum) are the bounds the handlers'
// zod schemas enforce: for every bounded field of every route's input, a value just past the document's bound is
// refused by the route's own schema at that field, and a value at the bound is not refused there. A bound that
// drifted either way (looser or tighter in the document than in zod) fails here.
import type { RouteSpec, Schema } from '@photonotes/shared/http-route';
import { judgeEvents } from '../../services/analytics/src/domain/event-input';
import * as z from 'zod/mini';
import { openApiPath } from '../openapi/document';
import type { Json } from '../openapi/document';
import { ExampleBuilder } from '../openapi/examples';
import { generateDocument, loadServiceRoutes } from '../openapi/generate';
import { component, eachOperation } from '../openapi/walk';
import type { Paths } from '../openapi/walk';

type Location = 'body' | 'query' | 'path';

interface Probe {
  where: string;
  /** The field's path, as zod reports issues ("rules.0.metric"). */
  field: string;
  bound: string;
  atBound: unknown;
  pastBound: unknown;
}

let document: Json;
let schemas: Record<string, Json>;
let routes: Map<string, RouteSpec>;
let builder: ExampleBuilder;
/** Every probe of the document, built once for the tests that read them. */
let documentProbes: RouteProbe[];

beforeAll(async () => {
  document = await generateDocument();
  schemas = (document.components as { schemas: Record<string, Json> }).schemas;
  routes = new Map((await loadServiceRoutes()).flatMap(({ routes: list }) => list.map((route) => [`${route.method.toLowerCase()} ${openApiPath(route.path)}`, route])));
  builder = new ExampleBuilder(schemas);
  documentProbes = allProbes();
});

function resolve(schema: Json): Json {
  let current = schema;
  while (typeof current.$ref === 'string') current = component(current.$ref, schemas) ?? {};
  return current;
}

/** The branch of an anyOf/oneOf that describes `value` (a nullable field's non-null side). */
function branchFor(schema: Json, value: unknown): Json {
  const options = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (!options) return schema;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
  return resolve(options.map(resolve).find((option) => option.type === kind || (kind === 'integer' && option.type === 'number')) ?? {});
}

function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  const copy = (Array.isArray(root) ? [...root] : { ...(root as Json) }) as Record<string | number, unknown>;
  copy[head] = setAt(copy[head], rest, value);
  return copy;
}

function pad(text: string, length: number): string {
  return text.length >= length ? text.slice(0, length) : text + (text.at(-1) ?? 'a').repeat(length - text.length);
}

/** A probe for each bound on the way from `schema` down through `value` (a valid input). */
function probes(root: unknown, schema: Json, value: unknown, path: Array<string | number>, where: string): Probe[] {
  const node = branchFor(resolve(schema), value);
  const field = path.join('.');
  const found: Probe[] = [];
  const probe = (bound: string, atBound: unknown, pastBound: unknown) => found.push({ where, field, bound, atBound: setAt(root, path, atBound), pastBound: setAt(root, path, pastBound) });
  if (typeof value === 'string' && typeof node.maxLength === 'number') probe(`maxLength ${node.maxLength}`, pad(value, node.maxLength), pad(value, node.maxLength + 1));
  if (typeof value === 'number') {
    if (typeof node.maximum === 'number') probe(`maximum ${node.maximum}`, node.maximum, node.maximum + 1);
    if (typeof node.minimum === 'number') probe(`minimum ${node.minimum}`, node.minimum, node.minimum - 1);
  }
  if (Array.isArray(value) && value.length > 0) {
    const grow = (length: number) => Array.from({ length }, (_, i) => value[Math.min(i, value.length - 1)]);
    if (typeof node.maxItems === 'number') probe(`maxItems ${node.maxItems}`, grow(node.maxItems), grow(node.maxItems + 1));
    value.forEach((item, i) => found.push(...probes(root, (node.items ?? {}) as Json, item, [...path, i], where)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const properties = (node.properties ?? {}) as Record<string, Json>;
    for (const [key, item] of Object.entries(value)) {
      const propertySchema = properties[key] ?? (typeof node.additionalProperties === 'object' ? (node.additionalProperties as Json) : undefined);
      if (propertySchema) found.push(...probes(root, propertySchema, item, [...path, key], where));
    }
  }
  return found;
}

/** The route's input in one location as the document describes it, with a valid value of it. */
function documentedInput(op: Json, location: Location): { schema: Json; value: unknown } | undefined {
  if (location === 'body') {
    const media = (op.requestBody as { content?: Record<string, { schema: Json; example?: unknown }> } | undefined)?.content?.['application/json'];
    return media ? { schema: media.schema, value: media.example } : undefined;
  }
  const parameters = ((op.parameters ?? []) as Array<{ in: string; name: string; schema: Json; example?: unknown }>).filter((parameter) => parameter.in === location);
  if (parameters.length === 0) return undefined;
  const properties = Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema]));
  const value = Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.example ?? builder.build(parameter.schema, parameter.name)]));
  return { schema: { type: 'object', properties }, value };
}

/** Query and path values reach zod as strings. */
function asSent(value: unknown, location: Location): unknown {
  if (location === 'body') return value;
  return Object.fromEntries(Object.entries(value as Json).map(([key, item]) => [key, String(item)]));
}

interface Issue {
  path: string;
  /** A rule of the domain (a refine: a platform's token format), not a bound of the field's schema. */
  custom: boolean;
}

/**
 * POST /analytics/events judges each event on its own, after the envelope's schema: a bad event is a `rejected`
 * entry of the 202 (API.md), not a 400, so its fields' bounds are the domain's judgeEvents (a domain rule: a bound is
 * not told from the type rules that refuse more, such as an unknown `_` type).
 */
function judgedEventIssues(value: unknown): Issue[] {
  const events = (value as { events?: Array<Record<string, unknown>> }).events ?? [];
  const receivedAt = Date.parse(String(events[0]?.at ?? '')) + 60_000;
  return judgeEvents(events, receivedAt).rejected.map((rejected) => ({ path: `events.${rejected.index}`, custom: true }));
}

/** The issues reported at `field`, inside it or (a judged event) around it. */
function issuesAt(schema: Schema, value: unknown, field: string, where = ''): Issue[] {
  const result = z.safeParse(schema, value);
  const issues: Issue[] = result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), custom: issue.code === 'custom' }));
  if (where.startsWith('POST /analytics/events body')) issues.push(...judgedEventIssues(value));
  return issues.filter(({ path }) => path === field || path.startsWith(`${field}.`) || field.startsWith(`${path}.`) || field === '');
}

type RouteProbe = Probe & { schema: Schema; location: Location };

function allProbes(): RouteProbe[] {
  const out: RouteProbe[] = [];
  eachOperation(document.paths as Paths, (op, operation, method, routePath) => {
    const route = routes.get(`${method} ${routePath}`);
    for (const location of ['body', 'query', 'path'] as const) {
      const schema = route?.[location === 'path' ? 'params' : location];
      const input = documentedInput(op, location);
      if (!schema || !input) continue;
      const where = `${operation} ${location}`;
      for (const found of probes(input.value, input.schema, input.value, [], where)) {
        out.push({ ...found, atBound: asSent(found.atBound, location), pastBound: asSent(found.pastBound, location), schema, location });
      }
    }
  });
  return out;
}

describe("the document's request bounds and the handlers' zod schemas", () => {
  test('a value past a documented bound is refused at that field', () => {
    // Act
    const accepted = documentProbes.filter((probe) => issuesAt(probe.schema, probe.pastBound, probe.field, probe.where).length === 0);

    // Assess
    expect(accepted.map(({ where, field, bound }) => `${where} ${field}: ${bound}`)).toEqual([]);
  });

  // A domain rule may refuse more (an APNs token is 64..200 hex characters, under the field's 4096): only the
  // field's own checks must let the bound through.
  test('a value at a documented bound is not refused at that field by its schema', () => {
    // Act
    const refused = documentProbes.filter((probe) => issuesAt(probe.schema, probe.atBound, probe.field, probe.where).some((issue) => !issue.custom));

    // Assess
    expect(refused.map(({ where, field, bound }) => `${where} ${field}: ${bound}`)).toEqual([]);
  });

  test('the probes reach the bounded fields of bodies, queries and paths', () => {
    // Act
    const reached = new Set(documentProbes.map((probe) => `${probe.where} ${probe.field}: ${probe.bound}`));

    // Assess: a few known bounds, one of each kind and location
    expect([...reached]).toEqual(
      expect.arrayContaining([
        'POST /auth/login body password: maxLength 256',
        'GET /notes query limit: maximum 100',
        'GET /users/{userId} path userId: maxLength 64',
        'POST /auth/confirm body code: maxLength 10',
        'POST /media/uploads body size: maximum 10485760',
        'POST /analytics/events body events.0.type: maxLength 64',
      ]),
    );
    expect(reached.size).toBeGreaterThan(60);
  });

  test('a document bound looser than the schema is caught', () => {
    // Prepare: a schema that allows 10 characters, documented as 11
    const schema = z.object({ code: z.string().check(z.maxLength(10)) });
    const [probe] = probes({ code: 'abc' }, { type: 'object', properties: { code: { type: 'string', maxLength: 11 } } }, { code: 'abc' }, [], 'x');

    // Act
    const refusedPast = issuesAt(schema, probe?.pastBound, probe?.field ?? '');
    const refusedAt = issuesAt(schema, probe?.atBound, probe?.field ?? '');

    // Assess: 12 characters are refused, but so are the documented 11
    expect(refusedPast).toEqual([{ path: 'code', custom: false }]);
    expect(refusedAt).toEqual([{ path: 'code', custom: false }]);
  });
});
