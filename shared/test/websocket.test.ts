import { createAccessTokenVerifier } from '../src/auth';
import type { AuthContext } from '../src/auth';
import { testing } from '../src/testing/websocket-event';
import { lambdaContext } from '../src/testing/api-event';
import { accepted, websocket } from '../src/websocket';
import type { WebSocketEvent } from '../src/websocket';
import { captureLogger } from './support/log-capture';
import { startTokenIssuer } from './support/token-issuer';
import type { TokenIssuer } from './support/token-issuer';

let cognito: TokenIssuer;
const revoked = new Set<string>();

beforeAll(async () => {
  cognito = await startTokenIssuer();
});

afterAll(async () => {
  await cognito.close();
});

beforeEach(() => revoked.clear());

function connectChain() {
  const seen: Array<{ auth: AuthContext; tokenExpiresAtMs: number }> = [];
  const verifier = createAccessTokenVerifier({ issuer: cognito.issuer, clientId: cognito.clientId, revocations: { isRevoked: (userId) => revoked.has(userId) } });
  const handler = websocket({ service: 'test', authenticate: true, verifier, logger: captureLogger().logger }).handler(async ({ auth, tokenExpiresAtMs }) => {
    seen.push({ auth, tokenExpiresAtMs });
    return accepted;
  });
  return { handler, seen };
}

const run = (handler: (event: WebSocketEvent, context: ReturnType<typeof lambdaContext>) => Promise<unknown>, event: WebSocketEvent) => handler(event, lambdaContext());

describe('websocket chain, $connect', () => {
  test('accepts a valid access token in ?token= and hands the caller and its expiry to the handler', async () => {
    // Prepare
    const { handler, seen } = connectChain();
    const token = await cognito.accessToken({ sub: 'user-1' }, { expiresInSeconds: 600 });

    // Act
    const result = await run(handler, testing.connectEvent('c-1', { token }));

    // Assess
    expect(result).toEqual({ statusCode: 200 });
    expect(seen).toEqual([{ auth: { userId: 'user-1', email: null, groups: [] }, tokenExpiresAtMs: expect.any(Number) }]);
    expect(Math.abs((seen[0]?.tokenExpiresAtMs ?? 0) - (Date.now() + 600_000))).toBeLessThan(5_000);
  });

  test.each([
    ['no query string', undefined],
    ['an empty token', { token: '' }],
    ['a malformed token', { token: 'not-a-jwt' }],
  ])('refuses %s with 401 without calling the handler', async (_name, query) => {
    // Prepare
    const { handler, seen } = connectChain();

    // Act
    const result = await run(handler, testing.connectEvent('c-2', query));

    // Assess
    expect(result).toEqual({ statusCode: 401 });
    expect(seen).toEqual([]);
  });

  test('refuses an expired token and a token of another issuer with 401', async () => {
    // Prepare
    const { handler, seen } = connectChain();
    const expired = await cognito.accessToken({ sub: 'user-1' }, { expiresInSeconds: -60 });
    const other = await startTokenIssuer();
    const foreign = await other.accessToken({ sub: 'user-1' });
    await other.close();

    // Act
    const results = [await run(handler, testing.connectEvent('c-3', { token: expired })), await run(handler, testing.connectEvent('c-4', { token: foreign }))];

    // Assess
    expect(results).toEqual([{ statusCode: 401 }, { statusCode: 401 }]);
    expect(seen).toEqual([]);
  });

  test("refuses a revoked account's valid token with 401", async () => {
    // Prepare
    const { handler, seen } = connectChain();
    const token = await cognito.accessToken({ sub: 'user-gone' });
    revoked.add('user-gone');

    // Act
    const result = await run(handler, testing.connectEvent('c-5', { token }));

    // Assess
    expect(result).toEqual({ statusCode: 401 });
    expect(seen).toEqual([]);
  });

  test('answers 500 when the handler fails unexpectedly, and logs it', async () => {
    // Prepare
    const capture = captureLogger();
    const verifier = createAccessTokenVerifier({ issuer: cognito.issuer, clientId: cognito.clientId });
    const handler = websocket({ service: 'test', authenticate: true, verifier, logger: capture.logger }).handler(async () => {
      throw new Error('table down');
    });
    const token = await cognito.accessToken({ sub: 'user-1' });

    // Act
    const result = await run(handler, testing.connectEvent('c-6', { token }));

    // Assess
    expect(result).toEqual({ statusCode: 500 });
    expect(capture.entries()).toContainEqual(expect.objectContaining({ level: 'error', connectionId: 'c-6' }));
  });
});

describe('websocket chain, frames', () => {
  test('turns a failure into the error frame the route gives, with a generic message', async () => {
    // Prepare
    const handler = websocket({ service: 'test', authenticate: false, errorFrame: (message) => JSON.stringify({ type: 'error', message }), logger: captureLogger().logger }).handler(async () => {
      throw new Error('secret detail');
    });

    // Act
    const result = await run(handler, testing.messageEvent('c-7', '{"action":"ping"}'));

    // Assess
    expect(result).toEqual({ statusCode: 200, body: JSON.stringify({ type: 'error', message: 'Internal server error' }) });
  });
});
