// The simulator's things through the API client on a fake backend: reuse by name with rotated credentials,
// registration of the missing ones, the 50-thing limit, sign-in failures.
import { createClient } from '@photonotes/client';
import { provisionThings } from '../../things/provision';

interface FakeThing {
  thingId: string;
  name: string;
}

function fakeBackend(existing: FakeThing[], options: { limitAfter?: number } = {}) {
  const calls: string[] = [];
  let created = 0;
  const credentialsOf = (thingId: string, generation: string) => ({
    mqttUrl: 'mqtt://localhost:1883',
    clientId: thingId,
    username: thingId,
    password: `pw-${generation}`,
    topics: { telemetry: `things/${thingId}/telemetry`, reported: `things/${thingId}/state/reported`, desired: `things/${thingId}/state/desired` },
  });
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    calls.push(`${method} ${url.pathname}${url.search}`);
    if (method === 'GET' && url.pathname === '/things') {
      // Two pages, so the search follows the cursor.
      const page = url.searchParams.get('cursor') === 'next' ? existing.slice(1) : existing.slice(0, 1);
      return json(200, { items: page.map((thing) => ({ ...thing, attributes: {}, online: false, lastSeenAt: null, createdAt: '', updatedAt: '' })), nextCursor: url.searchParams.get('cursor') ? null : 'next' });
    }
    const rotate = /^\/things\/([^/]+)\/credentials$/.exec(url.pathname);
    if (method === 'POST' && rotate) return json(201, { credentials: credentialsOf(rotate[1] as string, 'rotated') });
    if (method === 'POST' && url.pathname === '/things') {
      if (options.limitAfter !== undefined && created >= options.limitAfter) return json(409, { error: { code: 'CONFLICT', message: 'The caller owns 50 things already', requestId: 'r' } });
      created += 1;
      const body = JSON.parse(String(init?.body)) as { name: string };
      const thingId = `new-${created}`;
      return json(201, { thing: { thingId, name: body.name }, credentials: credentialsOf(thingId, 'new') });
    }
    return json(404, { error: { code: 'NOT_FOUND', message: 'no route', requestId: 'r' } });
  }) as typeof globalThis.fetch;
  return { api: createClient({ baseUrl: 'http://api.test', fetch, tokens: { get: () => 'token' } }), calls };
}

describe('provisioning the simulator\'s things', () => {
  it('reuses the things named <prefix>-n with rotated credentials and registers the missing ones', async () => {
    // Prepare
    const { api, calls } = fakeBackend([
      { thingId: 't-2', name: 'sim-2' },
      { thingId: 'kitchen', name: 'Kitchen sensor' },
      { thingId: 't-1', name: 'sim-1' },
    ]);

    // Act
    const result = await provisionThings(api, { count: 3, prefix: 'sim' });

    // Assess
    expect(result.things.map((thing) => [thing.name, thing.thingId, thing.credentials.password])).toEqual([
      ['sim-1', 't-1', 'pw-rotated'],
      ['sim-2', 't-2', 'pw-rotated'],
      ['sim-3', 'new-1', 'pw-new'],
    ]);
    expect(result).toMatchObject({ registered: 1, reused: 2 });
    expect(calls).toEqual([
      'GET /things?limit=100',
      'GET /things?limit=100&cursor=next',
      'POST /things/t-1/credentials',
      'POST /things/t-2/credentials',
      'POST /things',
    ]);
  });

  it('says so when the account owns 50 things already', async () => {
    // Prepare
    const { api } = fakeBackend([], { limitAfter: 1 });

    // Act
    const attempt = provisionThings(api, { count: 3, prefix: 'sim' });

    // Assess
    await expect(attempt).rejects.toThrow('registering sim-2 refused: the account owns 50 things already; delete some or use fewer --things (1 ready)');
  });
});
