// The foundation through the real gateway: health, the catch-all 404, the auth wall on a protected route,
// body handling (malformed JSON, content type, size) and junk path parameters. Every error is API.md's body.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { api } from '../support/api';
import type { ApiResponse, ErrorBody } from '../support/api';
import { createTestUser } from '../support/users';

const MiB = 1024 * 1024;

function expectErrorBody(res: ApiResponse<ErrorBody>, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  expect(res.body.error).toEqual(expect.objectContaining({ code, message: expect.any(String), requestId }));
  expect(res.text).not.toMatch(/\bat .+\.(?:js|ts):\d+/);
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('GET /health', () => {
  test('200 with every service ok, in exactly the contract shape, with an x-request-id', async () => {
    // Act
    const res = await api('/health');

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', services: { users: 'ok', 'core-api': 'ok', search: 'ok', notifications: 'ok', thumbnails: 'ok', iot: 'ok', analytics: 'ok' } });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  test('echoes a well-formed client request id', async () => {
    // Act
    const res = await api('/health', { headers: { 'x-request-id': 'client-chosen-id-123' } });

    // Assess
    expect(res.headers.get('x-request-id')).toBe('client-chosen-id-123');
  });
});

describe('unknown routes', () => {
  test.each([
    ['GET', '/no-such-route'],
    ['POST', '/health'],
    ['GET', '/users/me/extra/segments'],
  ])('%s %s is a 404 error body', async (method, path) => {
    // Act
    const res = await api<ErrorBody>(path, { method });

    // Assess
    expectErrorBody(res, 404, 'NOT_FOUND');
  });
});

describe('the auth wall on GET /users/me', () => {
  test('no token: 401 error body', async () => {
    // Act
    const res = await api<ErrorBody>('/users/me');

    // Assess
    expectErrorBody(res, 401, 'UNAUTHORIZED');
  });

  test('a token that is not a bearer token, or not a JWT: 401 error body', async () => {
    // Act
    const basic = await api<ErrorBody>('/users/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    const garbage = await api<ErrorBody>('/users/me', { token: 'garbage' });

    // Assess
    expectErrorBody(basic, 401, 'UNAUTHORIZED');
    expectErrorBody(garbage, 401, 'UNAUTHORIZED');
  });

  test('a forged RS256 token (random key, plausible claims and kid): 401 error body', async () => {
    // Prepare
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = await exportJWK(publicKey);
    const now = Math.floor(Date.now() / 1000);
    const issuer = process.env.TEST_COGNITO_ISSUER ?? '';
    const forged = await new SignJWT({ sub: '00000000-0000-4000-8000-000000000000', token_use: 'access', client_id: process.env.TEST_COGNITO_CLIENT_ID, iss: issuer, iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal', jwk: { kty: jwk.kty ?? 'RSA', n: jwk.n ?? '', e: jwk.e ?? '' } })
      .sign(privateKey);

    // Act
    const res = await api<ErrorBody>('/users/me', { token: forged });

    // Assess
    expectErrorBody(res, 401, 'UNAUTHORIZED');
  });

  test('alg none: 401 error body', async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
      sub: '00000000-0000-4000-8000-000000000000',
      token_use: 'access',
      client_id: process.env.TEST_COGNITO_CLIENT_ID,
      iss: process.env.TEST_COGNITO_ISSUER,
      iat: now,
      exp: now + 600,
    })}.`;

    // Act
    const res = await api<ErrorBody>('/users/me', { token: unsigned });

    // Assess
    expectErrorBody(res, 401, 'UNAUTHORIZED');
  });
});

describe('request bodies', () => {
  test('malformed JSON is a 400 VALIDATION_FAILED', async () => {
    // Act
    const res = await api<ErrorBody>('/auth/login', { method: 'POST', rawBody: '{"email": "a@example.com",', headers: { 'content-type': 'application/json' } });

    // Assess
    expectErrorBody(res, 400, 'VALIDATION_FAILED');
  });

  test('a JSON body that is not an object is a 400 VALIDATION_FAILED', async () => {
    // Act
    const res = await api<ErrorBody>('/auth/login', { method: 'POST', rawBody: '[1, 2, 3]', headers: { 'content-type': 'application/json' } });

    // Assess
    expectErrorBody(res, 400, 'VALIDATION_FAILED');
  });

  test('a body of another content type is a 415', async () => {
    // Act
    const res = await api<ErrorBody>('/auth/login', { method: 'POST', rawBody: 'email=a@example.com&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    // Assess
    expectErrorBody(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('a body over 1 MiB is a 413', async () => {
    // Prepare
    const padding = 'x'.repeat(MiB);

    // Act
    const res = await api<ErrorBody>('/auth/login', { method: 'POST', body: { email: 'a@example.com', password: padding } });

    // Assess
    expectErrorBody(res, 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('junk path parameters', () => {
  let token: string;

  beforeAll(async () => {
    token = (await createTestUser('junk')).accessToken;
  });

  test.each([
    ['a script tag', encodeURIComponent('<script>alert(1)</script>')],
    ['a NUL byte', '%00'],
    ['an encoded slash', '..%2F..%2Fetc'],
    ['broken percent-encoding', '%E0%A4%A'],
    ['a very long id', 'a'.repeat(2000)],
    ['emoji', encodeURIComponent('🙂')],
  ])('GET /users/<%s> with a valid token is a 400 or 404 error body, never a 500', async (_case, junk) => {
    // Act
    const res = await api<ErrorBody>(`/users/${junk}`, { token });

    // Assess
    expect([400, 404]).toContain(res.status);
    expectErrorBody(res, res.status, res.status === 400 ? 'VALIDATION_FAILED' : 'NOT_FOUND');
  });
});
