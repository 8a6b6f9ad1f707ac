import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { AccessTokenVerifier, AuthContext } from '../src/auth';
import { ConflictError, RateLimitedError, ServiceUnavailableError } from '../src/errors';
import { created, http, json, noContent, ok } from '../src/http';
import { defineRoute, requireGroup } from '../src/http-route';
import type { HttpRequest, HttpResponse, HttpRoute, RouteAuth } from '../src/http';
import { paginationQuery } from '../src/validation';
import { apiEvent, lambdaContext } from '../src/testing/api-event';
import type { ApiEventInput } from '../src/testing/api-event';
import { fakeVerifier } from '../src/testing/fake-verifier';
import { captureLogger } from './support/log-capture';

const MiB = 1024 * 1024;
const token = 'token-of-user-1';
const adminToken = 'token-of-an-admin';
const editorToken = 'token-of-an-editor';
const verifier = fakeVerifier({
  [token]: { userId: 'user-1', email: 'ada@example.com' },
  [adminToken]: { userId: 'admin-1', email: 'grace@example.com', groups: ['admins'] },
  [editorToken]: { userId: 'editor-1', email: null, groups: ['editors'] },
});

const CreateNote = z.object({
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  tags: z.optional(z.array(z.string().check(z.minLength(1)))),
});
const AnyText = z.object({ text: z.optional(z.string()) });
const NoteParams = z.object({ id: z.string().check(z.minLength(3)) });

type Schema = z.ZodMiniType | undefined;

/** Serves a route of the test service on fakes (a verifier may replace the fake one) and returns its handler plus what it logged. */
function route<B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined, A extends RouteAuth = true>(
  spec: Omit<HttpRoute<B, Q, P, A>, 'service'> & { verifier?: AccessTokenVerifier },
  fn: (request: HttpRequest<B, Q, P, A>) => Promise<HttpResponse>,
) {
  const captured = captureLogger();
  const { verifier: replacement, ...declared } = spec;
  const handler = http<B, Q, P, A>({ ...declared, service: 'test' }, { verifier: replacement ?? verifier, logger: captured.logger }).handler(fn);
  const call = (input: ApiEventInput = {}) => handler(apiEvent({ token, ...input }), lambdaContext());
  return { call, ...captured };
}

function errorOf(res: { body?: string }): { code: string; message: string; details?: unknown[]; requestId: string } {
  return JSON.parse(res.body ?? '{}').error;
}

describe('route modules', () => {
  const NoteParamsOfRoute = z.object({ id: z.string().check(z.minLength(3)) });
  const getThing = defineRoute({
    service: 'things',
    method: 'GET',
    path: '/things/{id}',
    operationId: 'getThing',
    summary: 'A thing',
    tags: [],
    auth: false,
    params: NoteParamsOfRoute,
    responses: { 200: { description: 'The thing' } },
  });

  test('http(route) validates with the schemas the route declares and types the handler from them', async () => {
    // Prepare
    const handler = http(getThing, { logger: captureLogger().logger }).handler(async ({ path, auth }) => {
      const id: string = path.id;
      const anonymous: null = auth;
      return ok({ id, auth: anonymous });
    });

    // Act
    const valid = await handler(apiEvent({ pathParameters: { id: 'thing-1' } }), lambdaContext());
    const invalid = await handler(apiEvent({ pathParameters: { id: 'x' } }), lambdaContext());

    // Assess
    expect(JSON.parse(valid.body ?? '')).toEqual({ id: 'thing-1', auth: null });
    expect(invalid.statusCode).toBe(400);
    expect(errorOf(invalid).details).toEqual([expect.objectContaining({ location: 'path', path: 'id' })]);
  });

  test('its log lines name the service the route belongs to', async () => {
    // Prepare
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((line: string | Uint8Array) => written.push(String(line)) > 0);
    try {
      const handler = http(getThing).handler(async ({ log }) => {
        log.warn('served');
        return noContent();
      });

      // Act
      await handler(apiEvent({ pathParameters: { id: 'thing-1' } }), lambdaContext());
    } finally {
      write.mockRestore();
    }

    // Assess
    expect(written.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ message: 'served', service: 'things' }));
  });
});

describe('responses', () => {
  test('ok() is a 200 JSON response with x-request-id', async () => {
    // Prepare
    const { call } = route({}, async () => ok({ hello: 'world' }));

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'apigw-request-id-1' });
    expect(JSON.parse(res.body ?? '')).toEqual({ hello: 'world' });
  });

  test('created() keeps the headers the handler sets', async () => {
    // Prepare
    const { call } = route({}, async () => created({ id: 'n1' }, { location: '/notes/n1' }));

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(201);
    expect(res.headers).toMatchObject({ location: '/notes/n1', 'x-request-id': 'apigw-request-id-1' });
  });

  test('noContent() has no body and no content-type', async () => {
    // Prepare
    const { call } = route({}, async () => noContent());

    // Act
    const res = await call();

    // Assess
    expect(res).toEqual({ statusCode: 204, headers: { 'x-request-id': 'apigw-request-id-1' } });
  });

  test('json() sets any status', async () => {
    // Prepare
    const { call } = route({}, async () => json(202, { accepted: true }));

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body ?? '')).toEqual({ accepted: true });
  });
});

describe('request id', () => {
  test('a well-formed incoming x-request-id is reused, whatever the header case', async () => {
    // Prepare
    const { call } = route({}, async ({ requestId }) => ok({ requestId }));

    // Act
    const res = await call({ headers: { 'X-Request-Id': 'client-id-12345' } });

    // Assess
    expect(res.headers?.['x-request-id']).toBe('client-id-12345');
    expect(JSON.parse(res.body ?? '')).toEqual({ requestId: 'client-id-12345' });
  });

  test('error responses carry the request id in the header and the body', async () => {
    // Prepare
    const { call } = route({}, async () => {
      throw new ConflictError('Already exists');
    });

    // Act
    const res = await call({ headers: { 'x-request-id': 'client-id-12345' } });

    // Assess
    expect(res.headers?.['x-request-id']).toBe('client-id-12345');
    expect(errorOf(res).requestId).toBe('client-id-12345');
  });

  test.each([['short'], ['has spaces in it'], ['x'.repeat(129)], ['inject"quote123']])(
    'an unsafe incoming id (%s) is replaced by the API Gateway request id',
    async (incoming) => {
      // Prepare
      const { call } = route({}, async () => ok({}));

      // Act
      const res = await call({ headers: { 'x-request-id': incoming }, requestId: 'apigw-id-777' });

      // Assess
      expect(res.headers?.['x-request-id']).toBe('apigw-id-777');
    },
  );

  test('without any id a UUID is generated', async () => {
    // Prepare
    const { call } = route({}, async () => ok({}));

    // Act
    const res = await call({ requestId: '' });

    // Assess
    expect(res.headers?.['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('the handler logger tags every line with the request id', async () => {
    // Prepare
    const { call, entries } = route({}, async ({ log }) => {
      log.info('handled');
      return ok({});
    });

    // Act
    await call({ requestId: 'apigw-id-888' });

    // Assess
    expect(entries()).toContainEqual(expect.objectContaining({ message: 'handled', requestId: 'apigw-id-888', service: 'test' }));
  });
});

describe('headers', () => {
  test('the handler sees lower-case header names and the caller event is left untouched', async () => {
    // Prepare
    const { call } = route({}, async ({ headers, event }) => ok({ headers, eventHeaders: event.headers }));
    const input = { headers: { 'If-Match': '3', 'X-Custom': 'v' } };

    // Act
    const res = await call(input);

    // Assess
    const body = JSON.parse(res.body ?? '');
    expect(body.headers).toMatchObject({ 'if-match': '3', 'x-custom': 'v' });
    expect(body.headers).not.toHaveProperty('If-Match');
    expect(body.eventHeaders).toEqual(body.headers);
    expect(input.headers).toEqual({ 'If-Match': '3', 'X-Custom': 'v' });
  });
});

describe('auth', () => {
  test('auth is on by default and hands { userId, email } to the handler', async () => {
    // Prepare
    const { call } = route({}, async ({ auth }) => ok({ userId: auth.userId, email: auth.email }));

    // Act
    const res = await call();

    // Assess
    expect(JSON.parse(res.body ?? '')).toEqual({ userId: 'user-1', email: 'ada@example.com' });
  });

  test('a missing token is a 401 and the handler does not run', async () => {
    // Prepare
    const handlerBody = jest.fn(async () => ok({}));
    const { call } = route({}, handlerBody);

    // Act
    const res = await call({ headers: { authorization: '' } });

    // Assess
    expect(res.statusCode).toBe(401);
    expect(errorOf(res)).toMatchObject({ code: 'UNAUTHORIZED', requestId: 'apigw-request-id-1' });
    expect(res.headers?.['x-request-id']).toBe('apigw-request-id-1');
    expect(handlerBody).not.toHaveBeenCalled();
  });

  test('an unknown token is a 401', async () => {
    // Prepare
    const { call } = route({}, async () => ok({}));

    // Act
    const res = await call({ token: 'forged' });

    // Assess
    expect(res.statusCode).toBe(401);
  });

  test('a verifier crash is still a 401, never a 500', async () => {
    // Prepare
    const broken: AccessTokenVerifier = { verify: async () => Promise.reject(new TypeError('boom')) };
    const { call } = route({ verifier: broken }, async () => ok({}));

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(401);
  });

  test('a key set outage is a 503', async () => {
    // Prepare
    const down: AccessTokenVerifier = { verify: async () => Promise.reject(new ServiceUnavailableError('Token keys unavailable')) };
    const { call } = route({ verifier: down }, async () => ok({}));

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(503);
    expect(errorOf(res).code).toBe('SERVICE_UNAVAILABLE');
  });

  test('auth: false routes run without a token, with auth null, never asking the verifier', async () => {
    // Prepare
    const verify = jest.fn(async () => ({ userId: 'x', email: null, groups: [] }));
    const { call } = route({ auth: false, verifier: { verify } }, async ({ auth }) => {
      const anonymous: null = auth;
      return ok({ auth: anonymous });
    });

    // Act
    const res = await call({ token: undefined, headers: {} });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ auth: null });
    expect(verify).not.toHaveBeenCalled();
  });
});

describe('a group requirement: auth: requireGroup(group)', () => {
  const adminsOnly = defineRoute({
    service: 'test',
    method: 'GET',
    path: '/admin/things',
    operationId: 'adminThings',
    summary: 'Admins only',
    tags: [],
    auth: requireGroup('admins'),
    responses: { 200: { description: 'The caller' } },
  });

  function serve() {
    const handlerBody = jest.fn(async (caller: AuthContext) => ok({ userId: caller.userId, groups: caller.groups }));
    const captured = captureLogger();
    const handler = http(adminsOnly, { verifier, logger: captured.logger }).handler(async ({ auth }) => {
      const caller: AuthContext = auth;
      return handlerBody(caller);
    });
    const call = (input: ApiEventInput | APIGatewayProxyEventV2 = {}) => handler('version' in input ? input : apiEvent(input), lambdaContext());
    return { call, handlerBody, ...captured };
  }

  test('a member of the group gets 200 and the handler sees their groups', async () => {
    // Prepare
    const { call } = serve();

    // Act
    const res = await call({ token: adminToken });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ userId: 'admin-1', groups: ['admins'] });
  });

  test.each([
    ['a signed-in user in no group', token],
    ['a signed-in user in another group', editorToken],
  ])('%s gets 403 FORBIDDEN in the error body, and the handler does not run', async (_case, callerToken) => {
    // Prepare
    const { call, handlerBody, entries } = serve();

    // Act
    const res = await call({ token: callerToken, requestId: 'request-403' });

    // Assess
    expect(res.statusCode).toBe(403);
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'request-403' });
    expect(JSON.parse(res.body ?? '')).toEqual({ error: { code: 'FORBIDDEN', message: 'Only members of the admins group may do this', requestId: 'request-403' } });
    expect(handlerBody).not.toHaveBeenCalled();
    expect(entries()).toContainEqual(expect.objectContaining({ level: 'info', message: 'Request rejected', status: 403, code: 'FORBIDDEN' }));
  });

  test.each([
    ['no token', {}],
    ['an unknown token', { token: 'forged' }],
    ['an empty Authorization header', { headers: { authorization: '' } }],
  ])('%s is a 401 as on any signed-in route, not a 403', async (_case, input: ApiEventInput) => {
    // Prepare
    const { call, handlerBody } = serve();

    // Act
    const res = await call(input);

    // Assess
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHORIZED');
    expect(handlerBody).not.toHaveBeenCalled();
  });

  test('groups come only from the verified token: headers, body and authorizer claims that name the group grant nothing', async () => {
    // Prepare: every place a caller (or a gateway authorizer) could name a group, on a non-member's request
    const { call, handlerBody } = serve();
    const event = apiEvent({
      token,
      headers: { 'cognito:groups': 'admins', 'x-cognito-groups': '["admins"]', 'x-groups': 'admins' },
      body: { groups: ['admins'], 'cognito:groups': ['admins'] },
    });
    const withAuthorizerClaims: APIGatewayProxyEventV2 = {
      ...event,
      requestContext: { ...event.requestContext, authorizer: { jwt: { claims: { 'cognito:groups': '[admins]' }, scopes: [] } } } as APIGatewayProxyEventV2['requestContext'],
    };

    // Act
    const res = await call(withAuthorizerClaims);

    // Assess
    expect(res.statusCode).toBe(403);
    expect(handlerBody).not.toHaveBeenCalled();
  });

  test('the verifier failing is still a 503 or a 401, never a 403', async () => {
    // Prepare
    const down: AccessTokenVerifier = { verify: async () => Promise.reject(new ServiceUnavailableError('Token keys unavailable')) };
    const handler = http(adminsOnly, { verifier: down, logger: captureLogger().logger }).handler(async () => ok({}));

    // Act
    const res = await handler(apiEvent({ token: adminToken }), lambdaContext());

    // Assess
    expect(res.statusCode).toBe(503);
  });

  test('only known groups can be required', () => {
    // Assess: a typo is a compile error (UserGroup), and the requirement cannot be changed after declaration
    // @ts-expect-error 'admin' is not a user pool group
    const typo = requireGroup('admin');
    expect(Object.isFrozen(typo)).toBe(true);
    expect(requireGroup('admins')).toEqual({ group: 'admins' });
  });
});

describe("optional auth: auth: 'optional'", () => {
  function serve(verifierOfRoute: AccessTokenVerifier = verifier) {
    const handlerBody = jest.fn(async (caller: AuthContext | null) => ok({ caller }));
    const { call, entries } = route({ auth: 'optional', body: AnyText, verifier: verifierOfRoute }, async ({ auth }) => {
      const caller: AuthContext | null = auth;
      // @ts-expect-error an optional route's caller may be anonymous
      const signedIn: AuthContext = auth;
      void signedIn;
      return handlerBody(caller);
    });
    return { call, handlerBody, entries };
  }

  test('no Authorization header: the handler runs for an anonymous caller, and no token is verified', async () => {
    // Prepare
    const verify = jest.fn(verifier.verify);
    const { call } = serve({ verify });

    // Act
    const res = await call({ token: undefined, body: { text: 'hi' } });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ caller: null });
    expect(verify).not.toHaveBeenCalled();
  });

  test('a valid token: the handler gets that caller', async () => {
    // Prepare
    const { call } = serve();

    // Act
    const res = await call({ token: adminToken, body: { text: 'hi' } });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ caller: { userId: 'admin-1', email: 'grace@example.com', groups: ['admins'] } });
  });

  test.each([
    ['an unknown token', { token: 'forged' }],
    ['an empty Authorization header', { token: undefined, headers: { authorization: '' } }],
    ['another scheme', { token: undefined, headers: { authorization: `Basic ${token}` } }],
    ['Bearer without a token', { token: undefined, headers: { Authorization: 'Bearer ' } }],
  ])('an Authorization header with %s is a 401, exactly as on a signed-in route', async (_case, input: ApiEventInput) => {
    // Prepare
    const { call, handlerBody } = serve();

    // Act
    const res = await call({ ...input, body: { text: 'hi' } });

    // Assess
    expect(res.statusCode).toBe(401);
    expect(errorOf(res)).toMatchObject({ code: 'UNAUTHORIZED', requestId: 'apigw-request-id-1' });
    expect(handlerBody).not.toHaveBeenCalled();
  });

  test('a token that cannot be checked (key set outage) is a 503, not an anonymous call', async () => {
    // Prepare
    const { call, handlerBody } = serve({ verify: async () => Promise.reject(new ServiceUnavailableError('Token keys unavailable')) });

    // Act
    const res = await call({ body: { text: 'hi' } });

    // Assess
    expect(res.statusCode).toBe(503);
    expect(handlerBody).not.toHaveBeenCalled();
  });
});

describe('rate limits', () => {
  test('a RateLimitedError with a wait is a 429 with Retry-After in whole seconds (at least 1); without one, no header', async () => {
    // Prepare
    const waits = [2, 0.2, undefined];
    const calls = waits.map((retryAfterSeconds) =>
      route({}, async () => {
        throw new RateLimitedError('Slow down', undefined, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
      }).call(),
    );

    // Act
    const answers = await Promise.all(calls);

    // Assess
    expect(answers.map((res) => [res.statusCode, res.headers?.['retry-after']])).toEqual([
      [429, '2'],
      [429, '1'],
      [429, undefined],
    ]);
    expect(errorOf(answers[0] ?? {})).toMatchObject({ code: 'RATE_LIMITED', message: 'Slow down' });
  });
});

describe('the function running out of time', () => {
  test('a handler still busy at the early timeout is answered with a JSON 503 and Retry-After, never a 500, and logged', async () => {
    // Prepare: 40 ms left in the invocation, and a handler that would take a second.
    const captured = captureLogger();
    const handler = http({ service: 'test' }, { verifier, logger: captured.logger }).handler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return ok({ late: true });
    });
    const started = Date.now();

    // Act
    const res = await handler(apiEvent({ token }), lambdaContext({ getRemainingTimeInMillis: () => 40 }));

    // Assess
    expect(Date.now() - started).toBeLessThan(900);
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
    expect(errorOf(res)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'The request took too long; try again', requestId: res.headers?.['x-request-id'] });
    expect(captured.entries()).toContainEqual(expect.objectContaining({ level: 'error', message: 'Request failed', status: 503 }));
  });

  test('the early answer leaves the runtime a whole second: a handler still busy 1 s before the timeout gets its 503 then', async () => {
    // Prepare: 1.2 s left in the invocation, a handler that would take 3 s. With a margin of a few ms a busy
    // process let the runtime's own timeout win the race (a 500, found by the resilience suite's load).
    const handler = http({ service: 'test' }, { verifier, logger: captureLogger().logger }).handler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      return ok({ late: true });
    });
    const started = Date.now();

    // Act
    const res = await handler(apiEvent({ token }), lambdaContext({ getRemainingTimeInMillis: () => 1200 }));

    // Assess
    expect(Date.now() - started).toBeLessThan(900);
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
  });

  test('a ServiceUnavailableError without a wait has no Retry-After', async () => {
    // Act
    const res = await route({}, async () => {
      throw new ServiceUnavailableError('Down');
    }).call();

    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBeUndefined();
  });
});

describe('JSON body', () => {
  /** A JSON body of exactly `bytes` UTF-8 bytes: {"text":"aaa…"} */
  function bodyOfBytes(bytes: number): string {
    return `{"text":"${'a'.repeat(bytes - '{"text":""}'.length)}"}`;
  }

  test('a body of exactly 1 MiB is accepted', async () => {
    // Prepare
    const { call } = route({ body: AnyText }, async ({ body }) => ok({ length: body.text?.length }));

    // Act
    const res = await call({ body: bodyOfBytes(MiB), headers: { 'content-type': 'application/json' } });

    // Assess
    expect(res.statusCode).toBe(200);
  });

  test('one byte over 1 MiB is a 413', async () => {
    // Prepare
    const { call } = route({ body: AnyText }, async () => ok({}));

    // Act
    const res = await call({ body: bodyOfBytes(MiB + 1), headers: { 'content-type': 'application/json' } });

    // Assess
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.headers?.['x-request-id']).toBe('apigw-request-id-1');
  });

  test('a route may set a lower limit: exactly 256 KB passes, one byte more is a 413 that names it', async () => {
    // Prepare
    const { call } = route({ body: AnyText, maxBodyBytes: 256 * 1024 }, async () => ok({}));

    // Act
    const fits = await call({ body: bodyOfBytes(256 * 1024), headers: { 'content-type': 'application/json' } });
    const over = await call({ body: bodyOfBytes(256 * 1024 + 1), headers: { 'content-type': 'application/json' } });

    // Assess
    expect(fits.statusCode).toBe(200);
    expect(over.statusCode).toBe(413);
    expect(errorOf(over).message).toBe('Request body exceeds 256 KB');
  });

  test('the limit counts UTF-8 bytes, not characters', async () => {
    // Prepare: 600k characters, 1.2 MB
    const { call } = route({ body: AnyText }, async () => ok({}));

    // Act
    const res = await call({ body: JSON.stringify({ text: 'é'.repeat(600_000) }), headers: { 'content-type': 'application/json' } });

    // Assess
    expect(res.statusCode).toBe(413);
  });

  test('base64 bodies are measured and parsed decoded', async () => {
    // Prepare: ~1.33 MiB of base64 text for 1 MiB of JSON
    const { call } = route({ body: AnyText }, async ({ body }) => ok({ length: body.text?.length }));
    const encoded = Buffer.from(bodyOfBytes(MiB)).toString('base64');

    // Act
    const res = await call({ body: encoded, isBase64Encoded: true, headers: { 'content-type': 'application/json' } });

    // Assess
    expect(encoded.length).toBeGreaterThan(MiB);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ length: MiB - '{"text":""}'.length });
  });

  test('a base64 body over 1 MiB decoded is a 413', async () => {
    // Prepare
    const { call } = route({ body: AnyText }, async () => ok({}));

    // Act
    const res = await call({ body: Buffer.from(bodyOfBytes(MiB + 1)).toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'application/json' } });

    // Assess
    expect(res.statusCode).toBe(413);
  });

  test.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/jsonp']])('content-type %s is a 415', async (contentType) => {
    // Prepare
    const { call } = route({ body: CreateNote }, async () => ok({}));

    // Act
    const res = await call({ body: '{"title":"a"}', headers: { 'content-type': contentType } });

    // Assess
    expect(res.statusCode).toBe(415);
    expect(errorOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('a non-empty body without content-type is a 415', async () => {
    // Prepare
    const { call } = route({ body: CreateNote }, async () => ok({}));

    // Act
    const res = await call({ body: '{"title":"a"}' });

    // Assess
    expect(res.statusCode).toBe(415);
  });

  test.each([['application/json; charset=utf-8'], ['Application/JSON'], ['application/json;charset=UTF-8']])(
    'content-type %s is accepted',
    async (contentType) => {
      // Prepare
      const { call } = route({ body: CreateNote }, async ({ body }) => created({ title: body.title }));

      // Act
      const res = await call({ body: '{"title":"Hello"}', headers: { 'Content-Type': contentType } });

      // Assess
      expect(res.statusCode).toBe(201);
      expect(JSON.parse(res.body ?? '')).toEqual({ title: 'Hello' });
    },
  );

  test('an empty body is validated as {}', async () => {
    // Prepare
    const { call } = route({ body: AnyText }, async ({ body }) => ok({ body }));

    // Act
    const res = await call({ body: '' });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ body: {} });
  });

  test('an empty body on a route that needs fields is a 400 naming them', async () => {
    // Prepare
    const { call } = route({ body: CreateNote }, async () => ok({}));

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).details).toEqual([expect.objectContaining({ location: 'body', path: 'title' })]);
  });

  test('malformed JSON is a 400 "Malformed JSON body"', async () => {
    // Prepare
    const { call } = route({ body: CreateNote }, async () => ok({}));

    // Act
    const res = await call({ body: '{"title": "a",', headers: { 'content-type': 'application/json' } });

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Malformed JSON body' });
  });

  test.each([[false], [0]])('a body the emulator hands over already parsed (%p) is judged as its JSON text: a 400, not a 500', async (parsed) => {
    // Prepare: serverless-offline passes a falsy JSON body as the value it parsed, not as its text.
    const handler = http({ body: CreateNote, service: 'test' }, { verifier, logger: captureLogger().logger }).handler(async () => ok({}));
    const event: APIGatewayProxyEventV2 = { ...apiEvent({ token, method: 'POST', headers: { 'content-type': 'application/json' } }), body: parsed as unknown as string };

    // Act
    const res = await handler(event, lambdaContext());

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ location: 'body' })] });
  });

  test('malformed base64-encoded JSON is a 400 too', async () => {
    // Prepare
    const { call } = route({ body: CreateNote }, async () => ok({}));

    // Act
    const res = await call({ body: Buffer.from('{"title": "a",').toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'application/json' } });

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Malformed JSON body' });
  });

  test('a malformed body is not written to the logs', async () => {
    // Prepare
    const { call, entries } = route({ body: AnyText }, async () => ok({}));

    // Act
    const res = await call({ body: '{"text": "hunter2-secret"', headers: { 'content-type': 'application/json' } });

    // Assess
    expect(res.statusCode).toBe(400);
    expect(entries().length).toBeGreaterThan(0);
    expect(JSON.stringify(entries())).not.toContain('hunter2-secret');
  });

  test.each([['application/vnd.api+json'], ['application/merge-patch+json']])('content-type %s is a 415: the API takes application/json', async (contentType) => {
    // Prepare
    const { call } = route({ body: CreateNote }, async () => ok({}));

    // Act
    const res = await call({ body: '{"title":"a"}', headers: { 'content-type': contentType } });

    // Assess
    expect(res.statusCode).toBe(415);
    expect(errorOf(res)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' });
  });

  test('the handler gets the parsed body while its event keeps the body as sent', async () => {
    // Prepare
    const { call } = route({ body: CreateNote }, async ({ body, event }) => ok({ parsed: body, sent: event.body }));

    // Act
    const res = await call({ body: '{"title":"Hello"}', headers: { 'content-type': 'application/json' } });

    // Assess
    expect(JSON.parse(res.body ?? '')).toEqual({ parsed: { title: 'Hello' }, sent: '{"title":"Hello"}' });
  });

  test('routes without a body schema ignore the body entirely', async () => {
    // Prepare
    const { call } = route({}, async ({ body }) => ok({ body: body ?? 'none' }));

    // Act
    const res = await call({ body: '<<not json>>', headers: { 'content-type': 'text/plain' } });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ body: 'none' });
  });
});

describe('validation', () => {
  test('an invalid body is a 400 with one detail per issue', async () => {
    // Prepare
    const { call } = route({ body: CreateNote }, async () => ok({}));

    // Act
    const res = await call({ body: { title: '', tags: ['ok', ''] } });

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Request validation failed', requestId: 'apigw-request-id-1' });
    expect(errorOf(res).details).toEqual([
      { location: 'body', path: 'title', code: 'too_small', message: expect.stringContaining('>=1') },
      { location: 'body', path: 'tags.1', code: 'too_small', message: expect.any(String) },
    ]);
  });

  test('a valid body reaches the handler typed and parsed', async () => {
    // Prepare
    const { call } = route({ body: CreateNote }, async ({ body }) => {
      const title: string = body.title;
      return created({ title, tags: body.tags ?? [] });
    });

    // Act
    const res = await call({ body: { title: 'Trip', tags: ['sea'] } });

    // Assess
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body ?? '')).toEqual({ title: 'Trip', tags: ['sea'] });
  });

  test('query strings are validated and coerced', async () => {
    // Prepare
    const { call } = route({ query: paginationQuery }, async ({ query }) => {
      const limit: number = query.limit;
      return ok({ limit, cursor: query.cursor ?? null });
    });

    // Act
    const res = await call({ query: { limit: '50' } });

    // Assess
    expect(JSON.parse(res.body ?? '')).toEqual({ limit: 50, cursor: null });
  });

  test('an absent query string gets the schema defaults', async () => {
    // Prepare
    const { call } = route({ query: paginationQuery }, async ({ query }) => ok(query));

    // Act
    const res = await call();

    // Assess
    expect(JSON.parse(res.body ?? '')).toEqual({ limit: 20 });
  });

  test('invalid query and path parameters are reported together', async () => {
    // Prepare
    const { call } = route({ query: paginationQuery, params: NoteParams }, async () => ok({}));

    // Act
    const res = await call({ query: { limit: '101' }, pathParameters: { id: 'x' } });

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).details).toEqual([
      expect.objectContaining({ location: 'path', path: 'id' }),
      expect.objectContaining({ location: 'query', path: 'limit' }),
    ]);
  });

  test('path parameters reach the handler typed', async () => {
    // Prepare
    const { call } = route({ params: NoteParams }, async ({ path }) => ok({ id: path.id }));

    // Act
    const res = await call({ pathParameters: { id: 'note-1' } });

    // Assess
    expect(JSON.parse(res.body ?? '')).toEqual({ id: 'note-1' });
  });
});

describe('errors', () => {
  test('a typed error keeps its status, code, message and details', async () => {
    // Prepare
    const { call } = route({}, async () => {
      throw new ConflictError('Note id already used', [{ id: 'n1' }]);
    });

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(409);
    expect(res.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(errorOf(res)).toEqual({ code: 'CONFLICT', message: 'Note id already used', details: [{ id: 'n1' }], requestId: 'apigw-request-id-1' });
  });

  test('an unknown error is a generic 500 without stack or AWS text, and its cause is logged', async () => {
    // Prepare
    const awsText = 'User: arn:aws:sts::123:assumed-role/x is not authorized to perform: dynamodb:GetItem';
    const { call, entries } = route({}, async () => {
      const err = new Error(awsText);
      err.name = 'AccessDeniedException';
      throw err;
    });

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(500);
    expect(errorOf(res)).toEqual({ code: 'INTERNAL', message: 'Internal server error', requestId: 'apigw-request-id-1' });
    expect(res.body).not.toContain('arn:aws');
    expect(res.body).not.toContain('at ');
    expect(res.headers?.['x-request-id']).toBe('apigw-request-id-1');
    const logged = entries().find((entry) => entry.level === 'error');
    expect(logged).toMatchObject({ requestId: 'apigw-request-id-1', err: { name: 'AccessDeniedException', message: awsText } });
    expect((logged?.err as { stack?: string }).stack).toContain('AccessDeniedException');
  });

  test('a dependency that is down (DynamoDB Local killed) is a quick JSON 503 with Retry-After, not a 500', async () => {
    // Prepare: what the SDK throws once its retries against a refused port are spent.
    const { call, entries } = route({}, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED', $metadata: { attempts: 3 } });
    });

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
    expect(res.headers?.['x-request-id']).toBe('apigw-request-id-1');
    expect(errorOf(res)).toEqual({ code: 'SERVICE_UNAVAILABLE', message: 'A service this request depends on is unavailable; try again', requestId: 'apigw-request-id-1' });
    expect(res.body).not.toContain('ECONNREFUSED');
    expect(entries().find((entry) => entry.level === 'error')).toMatchObject({ requestId: 'apigw-request-id-1', code: 'SERVICE_UNAVAILABLE' });
  });

  test('a thrown non-Error is a 500 too', async () => {
    // Prepare
    const { call } = route({}, async () => Promise.reject('plain string'));

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('plain string');
  });

  test('a response that cannot be serialised is a 500, not a crash', async () => {
    // Prepare
    const { call } = route({}, async () => ok({ big: 10n }));

    // Act
    const res = await call();

    // Assess
    expect(res.statusCode).toBe(500);
    expect(errorOf(res).code).toBe('INTERNAL');
  });
});

describe('isolation', () => {
  test('concurrent requests keep their own body, auth and request id', async () => {
    // Prepare
    const release: Array<() => void> = [];
    const verifyTwo = fakeVerifier({ a: { userId: 'user-a', email: null }, b: { userId: 'user-b', email: null } });
    const { call } = route({ body: AnyText, verifier: verifyTwo }, async ({ body, auth, requestId }) => {
      await new Promise<void>((resolve) => release.push(resolve));
      return ok({ text: body.text, userId: auth.userId, requestId });
    });

    // Act
    const first = call({ token: 'a', body: { text: 'one' }, requestId: 'request-a-1' });
    const second = call({ token: 'b', body: { text: 'two' }, requestId: 'request-b-1' });
    await new Promise((resolve) => setImmediate(resolve));
    release.forEach((resolve) => resolve());
    const [resA, resB] = await Promise.all([first, second]);

    // Assess
    expect(JSON.parse(resA.body ?? '')).toEqual({ text: 'one', userId: 'user-a', requestId: 'request-a-1' });
    expect(JSON.parse(resB.body ?? '')).toEqual({ text: 'two', userId: 'user-b', requestId: 'request-b-1' });
  });
});

describe('the access line', () => {
  const accessLines = (entries: Record<string, unknown>[]) => entries.filter((entry) => entry.message === 'request');

  test('a 200 writes one line with the route template, method, status, duration, user id and request ids, and nothing of the request', async () => {
    // Prepare
    const { call, entries, lines } = route({ body: AnyText, params: NoteParams }, async () => ok({ saved: true }));

    // Act
    const res = await call({
      method: 'PATCH',
      path: '/notes/note-123',
      routeKey: 'PATCH /notes/{id}',
      pathParameters: { id: 'note-123' },
      query: { secret: 'query-secret' },
      body: { text: 'body-secret' },
      headers: { 'x-request-id': 'access-line-req-1' },
    });

    // Assess
    expect(res.statusCode).toBe(200);
    const access = accessLines(entries());
    expect(access).toEqual([
      expect.objectContaining({
        level: 'info',
        route: 'PATCH /notes/{id}',
        method: 'PATCH',
        status: 200,
        durationMs: expect.any(Number),
        userId: 'user-1',
        requestId: 'access-line-req-1',
        functionRequestId: 'lambda-request-id-1',
        coldStart: expect.any(Boolean),
      }),
    ]);
    const text = lines.join('');
    expect(text).not.toContain(token);
    expect(text).not.toContain('body-secret');
    expect(text).not.toContain('query-secret');
    expect(text).not.toContain('note-123');
  });

  test('a 4xx from the error handler writes one line with its status and no user id before authentication', async () => {
    // Prepare
    const { call, entries } = route({}, async () => ok({}));

    // Act
    const res = await call({ method: 'GET', path: '/notes', routeKey: 'GET /notes', token: 'not-a-known-token' });

    // Assess
    expect(res.statusCode).toBe(401);
    const access = accessLines(entries());
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ route: 'GET /notes', method: 'GET', status: 401 });
    expect(access[0]).not.toHaveProperty('userId');
    expect(JSON.stringify(entries())).not.toContain('not-a-known-token');
  });

  test('a handler that throws writes one access line with status 500, after the error line', async () => {
    // Prepare
    const { call, entries } = route({}, async () => {
      throw new Error('database on fire');
    });

    // Act
    const res = await call({ method: 'DELETE', path: '/notes/n1', routeKey: 'DELETE /notes/{id}' });

    // Assess
    expect(res.statusCode).toBe(500);
    const messages = entries().map((entry) => entry.message);
    expect(messages).toEqual(['Unhandled error', 'request']);
    expect(accessLines(entries())[0]).toMatchObject({ route: 'DELETE /notes/{id}', status: 500, userId: 'user-1', requestId: errorOf(res).requestId });
  });

  test('without a route key the line names the method and the path, never the query string', async () => {
    // Prepare
    const { call, entries } = route({}, async () => noContent());

    // Act
    await call({ method: 'POST', path: '/things', routeKey: '$default', query: { token: 'leaky' } });

    // Assess
    expect(accessLines(entries())[0]).toMatchObject({ route: 'POST /things', status: 204 });
    expect(JSON.stringify(entries())).not.toContain('leaky');
  });
});
