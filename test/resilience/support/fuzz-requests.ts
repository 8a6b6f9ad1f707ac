// The HTTP fuzz's requests: every operation of docs/openapi.json, and for each a fast-check arbitrary of whole
// requests (path, query, headers, body) built from its schemas, the ids the test knows, and hostile variants. A
// case is plain data (hostile bodies are named, built only when sent) so a counterexample prints and shrinks well.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { baseUrl } from '../../support/api';
import type { JsonSchema, NameHints } from './schema-arbitraries';
import { edge, invalid, valid } from './schema-arbitraries';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  /** `METHOD /path`, as in the figures. */
  name: string;
  method: string;
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
  /** No `security` of its own means the document's default: a bearer token. */
  auth: 'required' | 'optional' | 'none';
}

interface OpenApiOperation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: Array<Record<string, unknown>>;
}

const methods = ['get', 'put', 'post', 'patch', 'delete'];

export function loadOperations(): Operation[] {
  const document = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, OpenApiOperation>> };
  return Object.entries(document.paths).flatMap(([route, operations]) =>
    Object.entries(operations)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]): Operation => {
        const security = operation.security;
        const auth = security === undefined ? 'required' : security.length === 0 ? 'none' : security.some((entry) => Object.keys(entry).length === 0) ? 'optional' : 'required';
        return {
          name: `${method.toUpperCase()} ${route}`,
          method: method.toUpperCase(),
          path: route,
          parameters: operation.parameters ?? [],
          body: operation.requestBody?.content?.['application/json']?.schema,
          auth,
        };
      }),
  );
}

/** How the request authenticates: the caller's token, none, or something that must never pass. */
export type AuthVariant = 'caller' | 'none' | 'id-token' | 'tampered' | 'alg-none' | 'lowercase-scheme' | 'basic' | 'empty-bearer' | 'huge' | 'duplicated' | `junk:${string}`;

/** Hostile bodies, built when sent (see `hostileBody`). */
export type HostileBody = 'deep-array' | 'deep-object' | 'mib-string' | 'just-under-mib' | 'prototype-keys' | 'invalid-utf8' | 'not-json' | 'empty' | 'null' | 'array' | 'number' | 'bom' | 'nul-bytes' | 'lone-surrogate';

export type BodyCase = { json: unknown } | { hostile: HostileBody } | { none: true };

export interface FuzzCase {
  pathParams: Record<string, string>;
  query: Array<[string, string]>;
  auth: AuthVariant;
  contentType: string | null;
  ifMatch: string | null;
  extraHeaders: Array<[string, string]>;
  body: BodyCase;
}

/** What the fuzz knows: tokens and ids to use, by parameter or property name. */
export interface FuzzContext {
  callerToken: string;
  callerIdToken: string;
  /** Ids for path parameters and body properties, by name: the caller's own mixed with another user's. */
  hints: NameHints;
  /** Versions worth sending as If-Match besides junk. */
  versions: readonly string[];
}

const printable = (maxLength: number) => fc.stringMatching(new RegExp(`^[ -~]{0,${maxLength}}$`));

const junkSegments = ['..', '%2e%2e', '%2F', '%00', '%ZZ', '%', ' ', '~', '$', 'null', 'undefined', '-1', '0', 'a'.repeat(300), 'x'.repeat(2048), '__proto__', 'constructor', '%F0%9F%98%80', '%C3%28', "'; DROP TABLE notes;--", '${jndi:ldap://x}'];

function pathParam(name: string, schema: JsonSchema | undefined, context: FuzzContext): Arbitrary<string> {
  const known = context.hints[name] ?? [];
  const generated = valid(schema ?? { type: 'string' }).map((value) => encodeURIComponent(String(value)));
  const junk = fc.oneof(fc.constantFrom(...junkSegments), fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }).map(encodeURIComponent));
  return known.length > 0 ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...known).map(encodeURIComponent) }, { weight: 2, arbitrary: generated }, { weight: 2, arbitrary: junk }) : fc.oneof(generated, junk);
}

function queryParam(parameter: Parameter, context: FuzzContext): Arbitrary<Array<[string, string]>> {
  const schema = parameter.schema ?? { type: 'string' };
  const value = fc.oneof(
    { weight: 5, arbitrary: valid(schema, context.hints, parameter.name) },
    { weight: 2, arbitrary: edge(schema) },
    { weight: 2, arbitrary: invalid(schema) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  ).map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  return fc.oneof(
    { weight: parameter.required ? 8 : 5, arbitrary: value.map((item): Array<[string, string]> => [[parameter.name, item]]) },
    { weight: parameter.required ? 1 : 4, arbitrary: fc.constant<Array<[string, string]>>([]) },
    { weight: 1, arbitrary: fc.tuple(value, value).map(([a, b]): Array<[string, string]> => [[parameter.name, a], [parameter.name, b]]) },
  );
}

const authVariants: Arbitrary<AuthVariant> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<AuthVariant>('caller') },
  { weight: 1, arbitrary: fc.constantFrom<AuthVariant>('none', 'id-token', 'tampered', 'alg-none', 'lowercase-scheme', 'basic', 'empty-bearer', 'huge', 'duplicated') },
  { weight: 1, arbitrary: printable(80).map((junk): AuthVariant => `junk:${junk}`) },
);

const contentTypes = fc.oneof(
  { weight: 10, arbitrary: fc.constant<string | null>('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string | null>(
      null,
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'APPLICATION/JSON',
      'application/merge-patch+json',
      `application/json; ${'x=y; '.repeat(500)}`,
      '*/*',
      '',
    ),
  },
);

const ifMatches = (versions: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<string | null>(null) },
    { weight: 3, arbitrary: fc.constantFrom(...versions, '*').map((version): string | null => version) },
    { weight: 2, arbitrary: fc.constantFrom<string | null>('"1"', 'W/"1"', '999999', '-1', '0', '1.5', '1e3', 'abc', '"', '""', ', ,', '1, 2', '9'.repeat(400), `"${'1'.repeat(5000)}"`) },
    { weight: 1, arbitrary: printable(40).map((junk): string | null => junk) },
  );

const extraHeaderSets: Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Array<[string, string]>>([]) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Array<[string, string]>>(
      [['x-junk', 'a'.repeat(8_000)]],
      [['x-request-id', 'client-chosen-id']],
      [['x-request-id', 'x'.repeat(2_000)]],
      [['x-forwarded-for', '1.2.3.4, 5.6.7.8']],
      [['content-type', 'application/json'], ['content-type', 'text/plain']],
      [['accept', 'text/html']],
      [['accept-encoding', 'gzip, br, zstd']],
      [['origin', 'https://evil.example']],
      [['if-none-match', '*']],
      [['cookie', 'session=x'.repeat(100)]],
      Array.from({ length: 60 }, (_, index): [string, string] => [`x-many-${index}`, 'v']),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,30}$/), printable(200)).map(([name, value]): Array<[string, string]> => [[name, value]]) },
);

const hostileBodies: Arbitrary<BodyCase> = fc
  .constantFrom<HostileBody>('deep-array', 'deep-object', 'mib-string', 'just-under-mib', 'prototype-keys', 'invalid-utf8', 'not-json', 'empty', 'null', 'array', 'number', 'bom', 'nul-bytes', 'lone-surrogate')
  .map((hostile): BodyCase => ({ hostile }));

function bodies(schema: JsonSchema | undefined, hints: NameHints): Arbitrary<BodyCase> {
  if (!schema) return fc.oneof({ weight: 8, arbitrary: fc.constant<BodyCase>({ none: true }) }, { weight: 1, arbitrary: fc.constant<BodyCase>({ json: {} }) }, { weight: 2, arbitrary: hostileBodies });
  return fc.oneof(
    { weight: 5, arbitrary: valid(schema, hints).map((json): BodyCase => ({ json })) },
    { weight: 2, arbitrary: edge(schema).map((json): BodyCase => ({ json })) },
    { weight: 4, arbitrary: invalid(schema, hints).map((json): BodyCase => ({ json })) },
    { weight: 2, arbitrary: hostileBodies },
    { weight: 1, arbitrary: fc.constant<BodyCase>({ none: true }) },
  );
}

/** Every request the fuzz may send to one operation. */
export function requestCases(operation: Operation, context: FuzzContext): Arbitrary<FuzzCase> {
  const pathNames = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queries = operation.parameters.filter((parameter) => parameter.in === 'query');
  const hasIfMatch = operation.parameters.some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'if-match');
  const unknownQuery = fc.oneof({ weight: 6, arbitrary: fc.constant<Array<[string, string]>>([]) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom('__proto__', 'constructor', 'x', 'limit[]', ''), printable(20)).map(([name, value]): Array<[string, string]> => [[name, value]]) });
  return fc.record({
    pathParams: fc.record(Object.fromEntries(pathNames.map((parameter) => [parameter.name, pathParam(parameter.name, parameter.schema, context)]))),
    query: fc.tuple(...queries.map((parameter) => queryParam(parameter, context)), unknownQuery).map((parts) => parts.flat()),
    auth: authVariants,
    contentType: operation.body ? contentTypes : fc.oneof({ weight: 6, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: contentTypes }),
    ifMatch: hasIfMatch ? ifMatches(context.versions) : fc.constant(null),
    extraHeaders: extraHeaderSets,
    body: bodies(operation.body, context.hints),
  });
}

function deep(depth: number, open: string, close: string): string {
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

function hostileBody(hostile: HostileBody): string | Buffer {
  switch (hostile) {
    case 'deep-array':
      return deep(50_000, '[', ']');
    case 'deep-object':
      return `${'{"a":'.repeat(20_000)}{}${'}'.repeat(20_000)}`;
    case 'mib-string':
      return JSON.stringify({ title: 'a'.repeat(1024 * 1024), desired: { a: 'a' }, name: 'n' });
    case 'just-under-mib':
      return JSON.stringify({ title: 't', body: 'b'.repeat(1024 * 1024 - 200) });
    case 'prototype-keys':
      return '{"__proto__":{"isAdmin":true,"ownerId":"someone"},"constructor":{"prototype":{"polluted":true}},"title":"t","name":"n","desired":{"__proto__":{"x":1}},"rules":[],"events":[]}';
    case 'invalid-utf8':
      return Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
    case 'not-json':
      return '{title: t,,}';
    case 'empty':
      return '';
    case 'null':
      return 'null';
    case 'array':
      return '[{"title":"t"}]';
    case 'number':
      return '1e999';
    case 'bom':
      return '\ufeff{"title":"t"}';
    case 'nul-bytes':
      return '{"title":"a\\u0000b","name":"\\u0000"}';
    case 'lone-surrogate':
      return '{"title":"\\ud800","name":"\\udfff"}';
  }
}

function authorization(variant: AuthVariant, context: FuzzContext): string[] {
  const token = context.callerToken;
  const [header = '', payload = '', signature = ''] = token.split('.');
  switch (variant) {
    case 'caller':
      return [`Bearer ${token}`];
    case 'none':
      return [];
    case 'id-token':
      return [`Bearer ${context.callerIdToken}`];
    case 'tampered':
      return [`Bearer ${header}.${payload}.${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`];
    case 'alg-none':
      return [`Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`];
    case 'lowercase-scheme':
      return [`bearer ${token}`];
    case 'basic':
      return ['Basic dXNlcjpwYXNzd29yZA=='];
    case 'empty-bearer':
      return ['Bearer '];
    case 'huge':
      return [`Bearer ${'a'.repeat(7_000)}.${'b'.repeat(500)}.c`];
    case 'duplicated':
      return [`Bearer ${token}`, 'Bearer junk.junk.junk'];
    default:
      return [variant.slice('junk:'.length)];
  }
}

export interface SentRequest {
  url: string;
  init: RequestInit;
}

/** The fetch call for one case. */
export function buildRequest(operation: Operation, fuzzCase: FuzzCase, context: FuzzContext): SentRequest {
  const route = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => fuzzCase.pathParams[name] ?? 'missing');
  const query = new URLSearchParams(fuzzCase.query).toString();
  const headers = new Headers();
  for (const value of authorization(fuzzCase.auth, context)) headers.append('authorization', value);
  if (fuzzCase.contentType !== null) headers.set('content-type', fuzzCase.contentType);
  if (fuzzCase.ifMatch !== null) headers.set('if-match', fuzzCase.ifMatch);
  for (const [name, value] of fuzzCase.extraHeaders) headers.append(name, value);
  const body = 'json' in fuzzCase.body ? JSON.stringify(fuzzCase.body.json) : 'hostile' in fuzzCase.body ? hostileBody(fuzzCase.body.hostile) : undefined;
  const sendsBody = body !== undefined && operation.method !== 'GET';
  return { url: `${baseUrl()}${route}${query ? `?${query}` : ''}`, init: { method: operation.method, headers, body: sendsBody ? body : undefined } };
}
