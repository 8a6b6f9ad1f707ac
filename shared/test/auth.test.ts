import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { createAccessTokenVerifier } from '../src/auth';
import type { AccessTokenVerifier } from '../src/auth';
import { ServiceUnavailableError, UnauthorizedError } from '../src/errors';
import { http, ok, requireGroup } from '../src/http';
import { apiEvent, lambdaContext } from '../src/testing/api-event';
import type { RevocationEntry } from '../src/contracts/revocation-list';
import type * as revocationsModule from '../src/revocations';
import type { RevocationList, RevocationSource } from '../src/revocations';
import { captureLogger } from './support/log-capture';
import { startTokenIssuer } from './support/token-issuer';
import type { TokenIssuer } from './support/token-issuer';

let cognito: TokenIssuer;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  cognito = await startTokenIssuer();
});

beforeEach(() => {
  cognito.setJwksStatus(200);
  verifier = createAccessTokenVerifier({ issuer: cognito.issuer, clientId: cognito.clientId });
});

afterAll(async () => {
  await cognito.close();
});

async function* entriesOf(entries: RevocationEntry[]): AsyncGenerator<RevocationEntry> {
  yield* entries;
}

/** A revocation list that answers from a set the test changes (the cache itself is tested in revocations.test.ts). */
function revocationListOf(revoked: Set<string>, answer: 'at once' | 'after a read' = 'at once'): RevocationList {
  return { isRevoked: (userId) => (answer === 'at once' ? revoked.has(userId) : Promise.resolve(revoked.has(userId))) };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('createAccessTokenVerifier', () => {
  test('a valid access token resolves to the caller', async () => {
    // Prepare
    const token = await cognito.accessToken({ sub: 'user-42', email: 'ada@example.com' });

    // Act
    const caller = await verifier.verify(token);

    // Assess
    expect(caller).toEqual({ userId: 'user-42', email: 'ada@example.com', groups: [] });
  });

  test('email is null when the token has no email claim', async () => {
    // Prepare
    const token = await cognito.accessToken();

    // Act
    const caller = await verifier.verify(token);

    // Assess
    expect(caller).toEqual({ userId: 'user-1', email: null, groups: [] });
  });

  test("the token's cognito:groups become the caller's groups", async () => {
    // Prepare
    const token = await cognito.accessToken({ sub: 'user-9', 'cognito:groups': ['admins', 'editors'] });

    // Act
    const caller = await verifier.verify(token);

    // Assess
    expect(caller).toEqual({ userId: 'user-9', email: null, groups: ['admins', 'editors'] });
    expect(Object.isFrozen(caller.groups)).toBe(true);
  });

  test.each<[string, unknown]>([
    ['a string', 'admins'],
    ['an object', { admins: true }],
    ['null', null],
    ['an array with a number', ['admins', 7]],
    ['an array of arrays', [['admins']]],
  ])('a cognito:groups claim that is %s grants no group, and the caller stays signed in', async (_case, claim) => {
    // Prepare
    const token = await cognito.accessToken({ sub: 'user-10', 'cognito:groups': claim });

    // Act
    const caller = await verifier.verify(token);

    // Assess
    expect(caller).toEqual({ userId: 'user-10', email: null, groups: [] });
  });

  test('keys are fetched once and reused across verifications', async () => {
    // Prepare
    const before = cognito.jwksRequests();
    const tokens = await Promise.all([cognito.accessToken(), cognito.accessToken({ sub: 'u2' })]);

    // Act
    for (const token of [...tokens, ...tokens]) await verifier.verify(token);

    // Assess
    expect(cognito.jwksRequests() - before).toBe(1);
  });

  const rejected: Array<[string, () => Promise<string>]> = [
    [
      'a tampered signature',
      async () => {
        const [header, payload, signature = ''] = (await cognito.accessToken()).split('.');
        const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
        return `${header}.${payload}.${flipped}`;
      },
    ],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await cognito.accessToken()).split('.');
        const payload = base64url({ iss: cognito.issuer, sub: 'admin', token_use: 'access', client_id: cognito.clientId, exp: 9_999_999_999 });
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'alg none',
      async () => {
        const payload = { iss: cognito.issuer, sub: 'user-1', token_use: 'access', client_id: cognito.clientId, exp: 9_999_999_999 };
        return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
      },
    ],
    [
      'HS256 signed with the public key as secret',
      async () => {
        const secret = new TextEncoder().encode(await exportSPKI(cognito.publicKey));
        return new SignJWT({ sub: 'user-1', token_use: 'access', client_id: cognito.clientId })
          .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
          .setIssuer(cognito.issuer)
          .setExpirationTime('1h')
          .sign(secret);
      },
    ],
    [
      "PS256 signed with the pool's own RSA key",
      async () => {
        const pss = await importPKCS8(await exportPKCS8(cognito.privateKey), 'PS256');
        return cognito.accessToken({}, { key: pss, alg: 'PS256' });
      },
    ],
    ['a wrong issuer', () => cognito.accessToken({ iss: 'http://127.0.0.1:1/other-pool' })],
    ['an expired token', () => cognito.accessToken({}, { expiresInSeconds: -60 })],
    ['a token without exp', () => cognito.accessToken({ exp: undefined })],
    ['an id token (token_use id)', () => cognito.accessToken({ token_use: 'id', aud: cognito.clientId })],
    ['a wrong client_id', () => cognito.accessToken({ client_id: 'another-app' })],
    [
      'a token signed by another key under the same kid',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return cognito.accessToken({}, { key: privateKey });
      },
    ],
    ['a token whose kid is unknown', () => cognito.accessToken({}, { kid: 'rotated-away' })],
    ['a string that is not a JWT', async () => 'not-a-jwt'],
  ];

  test.each(rejected)('%s is rejected with 401', async (_case, makeToken) => {
    // Prepare
    const token = await makeToken();

    // Act
    const outcome = verifier.verify(token);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(outcome).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  describe('remembered tokens', () => {
    /** Moves only the clock (Date), so fetch and jose's timeouts keep working. */
    function moveClockBy(ms: number): void {
      jest.useFakeTimers({
        now: Date.now() + ms,
        doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'hrtime', 'performance'],
      });
    }

    afterEach(() => {
      jest.useRealTimers();
    });

    test('a tampered token is rejected after its genuine version was verified', async () => {
      // Prepare
      const token = await cognito.accessToken();
      await verifier.verify(token);
      const [header, , signature] = token.split('.');
      const forged = `${header}.${base64url({ iss: cognito.issuer, sub: 'admin', token_use: 'access', client_id: cognito.clientId, exp: 9_999_999_999 })}.${signature}`;

      // Act
      const outcome = verifier.verify(forged);

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(UnauthorizedError);
    });

    test('a verified token is refused once it expires', async () => {
      // Prepare
      const token = await cognito.accessToken({}, { expiresInSeconds: 2 });
      await verifier.verify(token);
      moveClockBy(5_000);

      // Act
      const outcome = verifier.verify(token);

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(UnauthorizedError);
    });

    test('a verified token is checked again after 10 minutes, against the current key set', async () => {
      // Prepare
      const token = await cognito.accessToken({}, { expiresInSeconds: 3600 });
      await verifier.verify(token);
      cognito.setJwksStatus(500);
      moveClockBy(11 * 60_000);

      // Act
      const outcome = verifier.verify(token);

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(ServiceUnavailableError);
    });
  });

  test('an unreachable key set is a 503, not a 401 that would sign users out', async () => {
    // Prepare
    cognito.setJwksStatus(500);
    const token = await cognito.accessToken();

    // Act
    const outcome = verifier.verify(token);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  test('a key set host that refuses connections is a 503', async () => {
    // Prepare
    const offline = createAccessTokenVerifier({ issuer: cognito.issuer, clientId: cognito.clientId, jwksUrl: 'http://127.0.0.1:1/jwks.json' });
    const token = await cognito.accessToken();

    // Act
    const outcome = offline.verify(token);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('revoked accounts', () => {
  function verifierWith(revocations: RevocationList): AccessTokenVerifier {
    return createAccessTokenVerifier({ issuer: cognito.issuer, clientId: cognito.clientId, revocations });
  }

  test.each(['at once', 'after a read'] as const)('a valid token of a revoked account is a 401 (list answering %s)', async (answer) => {
    // Prepare
    const revoked = verifierWith(revocationListOf(new Set(['user-gone']), answer));
    const token = await cognito.accessToken({ sub: 'user-gone' });

    // Act
    const outcome = revoked.verify(token);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(outcome).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: 'Access token revoked' });
  });

  test("other accounts' tokens still verify", async () => {
    // Prepare
    const revoked = verifierWith(revocationListOf(new Set(['user-gone'])));
    const token = await cognito.accessToken({ sub: 'user-staying' });

    // Act
    const caller = await revoked.verify(token);

    // Assess
    expect(caller.userId).toBe('user-staying');
  });

  test('a token verified before its account was revoked is refused after', async () => {
    // Prepare
    const list = new Set<string>();
    const revoked = verifierWith(revocationListOf(list));
    const token = await cognito.accessToken({ sub: 'user-leaving' });
    await revoked.verify(token);
    list.add('user-leaving');

    // Act
    const outcome = revoked.verify(token);

    // Assess
    await expect(outcome).rejects.toMatchObject({ status: 401, message: 'Access token revoked' });
  });

  test('an unreadable list is a 503, never a pass', async () => {
    // Prepare
    const unreadable = verifierWith({ isRevoked: () => Promise.reject(new ServiceUnavailableError('Revocation list unavailable')) });
    const token = await cognito.accessToken();

    // Act
    const outcome = unreadable.verify(token);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  test("an 'optional' route: a revoked token is a 401 like anywhere else, no token is still anonymous", async () => {
    // Prepare
    const revoked = verifierWith(revocationListOf(new Set(['user-gone'])));
    const handler = http({ service: 'test', auth: 'optional' }, { verifier: revoked, logger: captureLogger().logger }).handler(async ({ auth }) =>
      ok({ userId: auth?.userId ?? null }),
    );
    const token = await cognito.accessToken({ sub: 'user-gone' });

    // Act
    const withToken = await handler(apiEvent({ token }), lambdaContext());
    const anonymous = await handler(apiEvent({}), lambdaContext());

    // Assess
    expect(withToken.statusCode).toBe(401);
    expect(JSON.parse(withToken.body ?? '')).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Access token revoked', requestId: expect.any(String) } });
    expect(anonymous.statusCode).toBe(200);
    expect(JSON.parse(anonymous.body ?? '')).toEqual({ userId: null });
  });
});

describe('defaultVerifier', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  /** The revocation list's table as a fake: which table was asked for, and what it holds. */
  function mockRevocationsTable(revokedUserIds: string[]): string[] {
    const tables: string[] = [];
    jest.doMock('../src/revocations', () => {
      const actual = jest.requireActual<typeof revocationsModule>('../src/revocations');
      return {
        ...actual,
        revocationsTableSource: (tableName: string): RevocationSource => {
          tables.push(tableName);
          return { entriesSince: () => entriesOf(revokedUserIds.map((userId) => ({ userId, revokedAt: new Date().toISOString() }))) };
        },
      };
    });
    return tables;
  }

  test('is built once from COGNITO_* and REVOCATIONS_TABLE env, and refuses the revoked accounts of that table', async () => {
    // Prepare
    process.env.COGNITO_ISSUER = cognito.issuer;
    process.env.COGNITO_CLIENT_ID = cognito.clientId;
    process.env.REVOCATIONS_TABLE = 'photonotes-users-test-revocations';
    const token = await cognito.accessToken();
    const revokedToken = await cognito.accessToken({ sub: 'user-gone' });

    await jest.isolateModulesAsync(async () => {
      const tables = mockRevocationsTable(['user-gone']);
      const { defaultVerifier } = await import('../src/auth');

      // Act
      const first = defaultVerifier();
      const caller = await first.verify(token);
      const revoked = first.verify(revokedToken);

      // Assess
      expect(defaultVerifier()).toBe(first);
      expect(caller.userId).toBe('user-1');
      await expect(revoked).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
      expect(tables).toEqual(['photonotes-users-test-revocations']);
    });
  });

  test('throws a clear error when REVOCATIONS_TABLE is missing', async () => {
    // Prepare
    process.env.COGNITO_ISSUER = cognito.issuer;
    process.env.COGNITO_CLIENT_ID = 'client';
    delete process.env.REVOCATIONS_TABLE;

    await jest.isolateModulesAsync(async () => {
      const { defaultVerifier } = await import('../src/auth');

      // Act
      const build = () => defaultVerifier();

      // Assess
      expect(build).toThrow('Missing required environment variable REVOCATIONS_TABLE');
    });
  });

  test.each(['5', '0', 'two'])('refuses REVOCATION_CACHE_SECONDS=%s, which could not keep the 5 s promise', async (seconds) => {
    // Prepare
    process.env.COGNITO_ISSUER = cognito.issuer;
    process.env.COGNITO_CLIENT_ID = 'client';
    process.env.REVOCATIONS_TABLE = 'photonotes-users-test-revocations';
    process.env.REVOCATION_CACHE_SECONDS = seconds;

    await jest.isolateModulesAsync(async () => {
      const { defaultVerifier } = await import('../src/auth');

      // Act
      const build = () => defaultVerifier();

      // Assess
      expect(build).toThrow("The revocation cache's maximum age must be within");
    });
  });

  test('throws a clear error when COGNITO_ISSUER is missing', async () => {
    // Prepare
    delete process.env.COGNITO_ISSUER;
    process.env.COGNITO_CLIENT_ID = 'client';

    await jest.isolateModulesAsync(async () => {
      const { defaultVerifier } = await import('../src/auth');

      // Act
      const build = () => defaultVerifier();

      // Assess
      expect(build).toThrow('Missing required environment variable COGNITO_ISSUER');
    });
  });
});

describe('http() with the real verifier', () => {
  function route() {
    const { logger, lines } = captureLogger();
    const handler = http({ service: 'test' }, { verifier, logger }).handler(async ({ auth }) => ok({ userId: auth.userId }));
    return { handler, lines };
  }

  test('a valid bearer token reaches the handler as { userId, email }', async () => {
    // Prepare
    const { handler } = route();
    const token = await cognito.accessToken({ sub: 'user-7' });

    // Act
    const res = await handler(apiEvent({ token }), lambdaContext());

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ userId: 'user-7' });
  });

  describe('a route for the admins group', () => {
    function adminsRoute() {
      const handler = jest.fn(async () => ok({}));
      return { served: http({ service: 'test', auth: requireGroup('admins') }, { verifier, logger: captureLogger().logger }).handler(handler), handler };
    }

    test.each<[string, () => Promise<string>, number]>([
      ['a token naming the group', () => cognito.accessToken({ 'cognito:groups': ['admins'] }), 200],
      ['a token without the claim', () => cognito.accessToken(), 403],
      ['a token naming other groups', () => cognito.accessToken({ 'cognito:groups': ['editors', 'admins-of-nothing'] }), 403],
      ['a claim that is the group name as a string', () => cognito.accessToken({ 'cognito:groups': 'admins' }), 403],
      ['a claim with the group beside a non-string', () => cognito.accessToken({ 'cognito:groups': ['admins', 1] }), 403],
      ['a tampered token that adds the group', async () => {
        const [header, payload = '', signature] = (await cognito.accessToken()).split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
        return `${header}.${base64url({ ...claims, 'cognito:groups': ['admins'] })}.${signature}`;
      }, 401],
    ])('%s: %i', async (_case, makeToken, status) => {
      // Prepare
      const { served, handler } = adminsRoute();
      const token = await makeToken();

      // Act
      const res = await served(apiEvent({ token }), lambdaContext());

      // Assess
      expect(res.statusCode).toBe(status);
      expect(handler).toHaveBeenCalledTimes(status === 200 ? 1 : 0);
      if (status !== 200) expect(JSON.parse(res.body ?? '').error.code).toBe(status === 403 ? 'FORBIDDEN' : 'UNAUTHORIZED');
    });
  });

  const unauthenticated: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no Authorization header', async () => ({})],
    ['a non-Bearer scheme', async () => ({ authorization: `Basic ${await cognito.accessToken()}` })],
    ['an empty Bearer value', async () => ({ authorization: 'Bearer ' })],
    ['an expired token', async () => ({ authorization: `Bearer ${await cognito.accessToken({}, { expiresInSeconds: -5 })}` })],
    ['an id token', async () => ({ authorization: `Bearer ${await cognito.accessToken({ token_use: 'id' })}` })],
  ];

  test.each(unauthenticated)('%s gives 401 UNAUTHORIZED without echoing the token', async (_case, makeHeaders) => {
    // Prepare
    const { handler, lines } = route();
    const headers = await makeHeaders();
    const token = headers.authorization?.split(' ')[1];

    // Act
    const res = await handler(apiEvent({ headers }), lambdaContext());

    // Assess
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? '').error.code).toBe('UNAUTHORIZED');
    if (token) {
      expect(res.body).not.toContain(token);
      expect(lines.join('')).not.toContain(token);
    }
  });
});
