// The client on a fake fetch: URLs, tokens, refresh-and-retry, If-Match, pagination and typed errors.
import { ApiError, createClient, createSession, parseRetryAfter } from '../src';
import type { Note } from '../src';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

type Reply = Response | Error | DOMException | ((call: Call) => Response);

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req-1', ...headers } });
}

function errorReply(status: number, code: string, extra: Record<string, unknown> = {}): Response {
  return json(status, { error: { code, message: `${code} message`, requestId: `req-${status}`, ...extra } });
}

/** A fetch that answers from a queue and remembers every call. */
function fakeFetch(...replies: Reply[]) {
  const calls: Call[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body as string | undefined,
    };
    calls.push(call);
    const reply = replies.shift();
    if (reply === undefined) throw new Error(`unexpected call ${call.method} ${call.url}`);
    if (reply instanceof Response) return reply;
    if (typeof reply === 'function') return reply(call);
    throw reply;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const baseUrl = 'http://api.test/';

const note: Note = {
  id: '0b6f1a52-3f0e-4a8e-9a55-0d2c7c2b8f41',
  ownerId: 'user-1',
  title: 'Harbour',
  body: '',
  tags: [],
  visibility: 'private',
  sharedWith: [],
  photo: null,
  version: 3,
  createdAt: '2026-11-28T09:00:00.000Z',
  updatedAt: '2026-11-28T09:00:00.000Z',
};

describe('requests', () => {
  test('fills path parameters, serialises the query, sends the token and parses the answer', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(200, { items: [], nextCursor: null }), json(200, note));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'access-1' } });

    // Act
    const page = await api.get('/notes', { query: { scope: 'shared', limit: 10, cursor: undefined } });
    const got = await api.get('/notes/{id}', { params: { id: note.id } });

    // Assess
    expect(page).toEqual({ items: [], nextCursor: null });
    expect(got.title).toBe('Harbour');
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([`GET http://api.test/notes?scope=shared&limit=10`, `GET http://api.test/notes/${note.id}`]);
    expect(calls[0]?.headers.authorization).toBe('Bearer access-1');
  });

  test('catches up with /sync in any scope, typed by the API document', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(200, { changes: [], cursor: 'c2', hasMore: false }));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'access-1' } });
    // @ts-expect-error: the document names the scopes /sync takes
    const unknownScope: Parameters<typeof api.get<'/sync'>>[1] = { query: { scope: 'everything' } };

    // Act
    const page = await api.get('/sync', { query: { scope: 'all', cursor: 'c1' } });

    // Assess
    expect(unknownScope).toBeDefined();
    expect(page).toEqual({ changes: [], cursor: 'c2', hasMore: false });
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual(['GET http://api.test/sync?scope=all&cursor=c1']);
  });

  test('sends a JSON body, and resolves undefined on a 204', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(201, note), new Response(null, { status: 204 }));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'access-1' } });

    // Act
    const created = await api.post('/notes', { body: { title: 'Harbour' } });
    const deleted = await api.delete('/notes/{id}', { params: { id: note.id } });

    // Assess
    expect(created.version).toBe(3);
    expect(deleted).toBeUndefined();
    expect(calls[0]?.body).toBe('{"title":"Harbour"}');
    expect(calls[0]?.headers['content-type']).toBe('application/json');
  });

  test('encodes a key with slashes as one path segment', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(200, { key: 'uploads/u1/x.jpg' }));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'access-1' } });

    // Act
    await api.get('/media/{key}', { params: { key: 'uploads/u1/x.jpg' } });

    // Assess
    expect(calls[0]?.url).toBe('http://api.test/media/uploads%2Fu1%2Fx.jpg');
  });

  test('public routes go without a token', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(200, { accessToken: 'a', idToken: 'i', refreshToken: 'r', expiresIn: 3600, tokenType: 'Bearer' }));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'access-1' } });

    // Act
    await api.post('/auth/login', { body: { email: 'ada@example.com', password: 'pw' } });

    // Assess
    expect(calls[0]?.headers.authorization).toBeUndefined();
  });

  test('If-Match goes out as a header', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(200, note));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'access-1' } });

    // Act
    await api.patch('/notes/{id}', { params: { id: note.id }, body: { title: 'New' }, ifMatch: 3 });

    // Assess
    expect(calls[0]?.headers['if-match']).toBe('3');
  });

  test('the types refuse what the API refuses', () => {
    // Assess (compile time: tsc fails when an expectation below stops being an error)
    const api = createClient({ baseUrl, fetch: fakeFetch().fetch });
    const never = () => {
      // @ts-expect-error -- a note has no `name`
      void api.post('/notes', { body: { name: 'x' } });
      // @ts-expect-error -- the path parameter is required
      void api.get('/notes/{id}');
      // @ts-expect-error -- no such route
      void api.get('/nope');
      // @ts-expect-error -- If-Match exists only where the API reads it
      void api.get('/notes', { ifMatch: 1 });
      // @ts-expect-error -- search needs q
      void api.get('/search', { query: { limit: 5 } });
    };
    expect(typeof never).toBe('function');
  });
});

describe('token refresh', () => {
  test('a 401 refreshes the token once and retries the call with it', async () => {
    // Prepare
    let token = 'old';
    const refresh = jest.fn(async () => (token = 'new'));
    const { fetch, calls } = fakeFetch(errorReply(401, 'UNAUTHORIZED'), json(200, note));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => token, refresh } });

    // Act
    const got = await api.get('/notes/{id}', { params: { id: note.id } });

    // Assess
    expect(got.id).toBe(note.id);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(calls.map((call) => call.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  test('concurrent 401s share one refresh', async () => {
    // Prepare
    let token = 'old';
    let release: () => void = () => undefined;
    const refresh = jest.fn(() => new Promise<string>((resolve) => (release = () => resolve((token = 'new')))));
    const byToken = (call: Call) => (call.headers.authorization === 'Bearer new' ? json(200, note) : errorReply(401, 'UNAUTHORIZED'));
    const { fetch } = fakeFetch(byToken, byToken, byToken, byToken);
    const api = createClient({ baseUrl, fetch, tokens: { get: () => token, refresh } });

    // Act
    const both = Promise.all([api.get('/notes/{id}', { params: { id: '1' } }), api.get('/notes/{id}', { params: { id: '2' } })]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const results = await both;

    // Assess
    expect(results).toHaveLength(2);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  test('a refresh that gives up surfaces the original 401 as an ApiError', async () => {
    // Prepare
    const { fetch } = fakeFetch(errorReply(401, 'UNAUTHORIZED'));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'old', refresh: async () => undefined } });

    // Act
    const error = await api.get('/users/me').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: 'UNAUTHORIZED message', requestId: 'req-401' });
  });

  test('a second 401 after the refresh is final', async () => {
    // Prepare
    const refresh = jest.fn(async () => 'new');
    const { fetch, calls } = fakeFetch(errorReply(401, 'UNAUTHORIZED'), errorReply(401, 'UNAUTHORIZED'));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'old', refresh } });

    // Act
    const error = await api.get('/users/me').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(2);
  });

  test('a 401 on a public route (wrong password) never refreshes', async () => {
    // Prepare
    const refresh = jest.fn(async () => 'new');
    const { fetch } = fakeFetch(errorReply(401, 'UNAUTHORIZED'));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 'old', refresh } });

    // Act
    const error = await api.post('/auth/login', { body: { email: 'a@example.com', password: 'x' } }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 401 });
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe('errors', () => {
  test('a 412 carries the details, and current() the current resource', async () => {
    // Prepare
    const { fetch } = fakeFetch(errorReply(412, 'PRECONDITION_FAILED', { details: [{ current: { ...note, version: 4 } }] }));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 't' } });

    // Act
    const error = (await api.patch('/notes/{id}', { params: { id: note.id }, body: { title: 'x' }, ifMatch: 3 }).catch((e: unknown) => e)) as ApiError;

    // Assess
    expect(error).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED', requestId: 'req-412' });
    expect(error.details).toHaveLength(1);
    expect(error.current()?.version).toBe(4);
  });

  test('a 429 carries its Retry-After in seconds; an answer without one has none', async () => {
    // Prepare
    const { fetch } = fakeFetch(json(429, { error: { code: 'RATE_LIMITED', message: 'Too many look-ups', requestId: 'req-429' } }, { 'retry-after': '1740' }), errorReply(404, 'NOT_FOUND'));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 't' } });

    // Act
    const limited = (await api.get('/users', { query: { email: 'a@example.com' } }).catch((e: unknown) => e)) as ApiError;
    const missing = (await api.get('/users', { query: { email: 'b@example.com' } }).catch((e: unknown) => e)) as ApiError;

    // Assess
    expect(limited).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: 1740 });
    expect(missing.status).toBe(404);
    expect(missing.retryAfter).toBeUndefined();
  });

  test('parseRetryAfter reads delay-seconds and HTTP dates, and nothing else', () => {
    // Prepare
    const now = new Date('2026-12-01T10:00:00.000Z');

    // Act
    const seconds = parseRetryAfter(' 30 ', now);
    const date = parseRetryAfter('Tue, 01 Dec 2026 10:01:30 GMT', now);
    const past = parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now);
    const junk = parseRetryAfter('soon', now);
    const absent = parseRetryAfter(null, now);

    // Assess
    expect([seconds, date, past, junk, absent]).toEqual([30, 90, 0, undefined, undefined]);
  });

  test('a validation failure keeps its details', async () => {
    // Prepare
    const details = [{ location: 'body', path: 'title', message: 'must be 1 to 200 characters', code: 'custom' }];
    const { fetch } = fakeFetch(errorReply(400, 'VALIDATION_FAILED', { details }));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 't' } });

    // Act
    const error = await api.post('/notes', { body: { title: '' } }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details });
  });

  test('no answer at all is a NETWORK_ERROR, never a bare fetch failure', async () => {
    // Prepare
    const { fetch } = fakeFetch(new TypeError('fetch failed'));
    const api = createClient({ baseUrl, fetch });

    // Act
    const error = await api.get('/health').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR', requestId: null });
    expect((error as ApiError).message).toMatch(/fetch failed/);
  });

  test('an aborted call is ABORTED', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    const { fetch } = fakeFetch(new DOMException('aborted', 'AbortError'));
    const api = createClient({ baseUrl, fetch });

    // Act
    const error = await api.get('/health', { signal: controller.signal }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 0, code: 'ABORTED' });
  });

  test('an answer that is not the error body still becomes an ApiError (a proxy page, a health 503)', async () => {
    // Prepare
    const { fetch } = fakeFetch(
      new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html', 'x-request-id': 'edge-1' } }),
      json(503, { status: 'degraded', services: {} }),
    );
    const api = createClient({ baseUrl, fetch });

    // Act
    const proxy = await api.get('/health').catch((e: unknown) => e);
    const health = await api.get('/health').catch((e: unknown) => e);

    // Assess
    expect(proxy).toMatchObject({ status: 502, code: 'INTERNAL', requestId: 'edge-1', body: '<html>Bad gateway</html>' });
    expect(health).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', body: { status: 'degraded', services: {} } });
  });

  test('a 2xx whose JSON is broken is INVALID_RESPONSE', async () => {
    // Prepare
    const { fetch } = fakeFetch(new Response('{"items": [', { status: 200, headers: { 'content-type': 'application/json' } }));
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 't' } });

    // Act
    const error = await api.get('/notes').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 200, code: 'INVALID_RESPONSE' });
  });
});

describe('paginate', () => {
  test('walks every page through nextCursor, keeping the query', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(
      json(200, { items: [{ ...note, id: 'a' }, { ...note, id: 'b' }], nextCursor: 'c1' }),
      json(200, { items: [{ ...note, id: 'c' }], nextCursor: null }),
    );
    const api = createClient({ baseUrl, fetch, tokens: { get: () => 't' } });

    // Act
    const ids: string[] = [];
    for await (const item of api.paginate('/notes', { query: { limit: 2, scope: 'own' } })) ids.push(item.id);

    // Assess
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(calls.map((call) => call.url)).toEqual(['http://api.test/notes?limit=2&scope=own', 'http://api.test/notes?limit=2&scope=own&cursor=c1']);
  });
});

describe('createSession', () => {
  const login = { accessToken: 'a1', idToken: 'i1', refreshToken: 'r1', expiresIn: 3600, tokenType: 'Bearer' };

  test('logs in, refreshes on a 401 and keeps the new tokens', async () => {
    // Prepare
    const changes: unknown[] = [];
    const { fetch, calls } = fakeFetch(
      json(200, login),
      errorReply(401, 'UNAUTHORIZED'),
      json(200, { accessToken: 'a2', idToken: 'i2', expiresIn: 3600, tokenType: 'Bearer' }),
      json(200, note),
    );
    const session = createSession({ baseUrl, fetch, onChange: (tokens) => changes.push(tokens) });

    // Act
    await session.logIn('ada@example.com', 'pw');
    await session.api.get('/notes/{id}', { params: { id: note.id } });

    // Assess
    expect(session.tokens).toEqual({ accessToken: 'a2', idToken: 'i2', refreshToken: 'r1' });
    expect(calls[2]?.body).toBe('{"refreshToken":"r1"}');
    expect(calls[2]?.headers.authorization).toBeUndefined();
    expect(calls[3]?.headers.authorization).toBe('Bearer a2');
    expect(changes).toHaveLength(2);
  });

  test('a refused refresh ends the session and surfaces the 401', async () => {
    // Prepare
    const { fetch } = fakeFetch(errorReply(401, 'UNAUTHORIZED'), errorReply(401, 'UNAUTHORIZED'));
    const session = createSession({ baseUrl, fetch, initial: { accessToken: 'a1', idToken: 'i1', refreshToken: 'revoked' } });

    // Act
    const error = await session.api.get('/users/me').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(session.tokens).toBeUndefined();
  });

  test('logOut forgets the tokens even when the call fails', async () => {
    // Prepare
    const { fetch } = fakeFetch(new TypeError('offline'));
    const session = createSession({ baseUrl, fetch, initial: { accessToken: 'a1', idToken: 'i1', refreshToken: 'r1' } });

    // Act
    const error = await session.logOut().catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(session.tokens).toBeUndefined();
  });
});
