// The access-token checks on a protected route (GET /users/me), with tokens signed by cognito-local's own
// key where a check other than the signature is under test.
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { cognitoLocalToken, cognitoSettings } from '../support/local-platform';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

let user: TestUser;

beforeAll(async () => {
  user = await createTestUser('tokens');
});

async function expectUnauthorized(token: string | undefined): Promise<void> {
  const res = await api<ErrorBody>('/users/me', token === undefined ? {} : { token });
  expect(res.status).toBe(401);
  expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED', requestId: res.headers.get('x-request-id') });
}

describe('GET /users/me token checks', () => {
  test('control: a token signed with the pool key and the right claims is accepted', async () => {
    // Prepare
    const token = await cognitoLocalToken({ sub: user.userId });

    // Act
    const res = await api<{ userId: string }>('/users/me', { token });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.userId).toBe(user.userId);
  });

  test('no token: 401', async () => {
    await expectUnauthorized(undefined);
  });

  test('tampered signature: 401', async () => {
    // Prepare
    const [header, payload, signature = ''] = user.accessToken.split('.');
    const middle = Math.floor(signature.length / 2);
    const flipped = signature.slice(0, middle) + (signature[middle] === 'A' ? 'B' : 'A') + signature.slice(middle + 1);

    // Act + Assess
    await expectUnauthorized(`${header}.${payload}.${flipped}`);
  });

  test('tampered payload (another sub) with the original signature: 401', async () => {
    // Prepare
    const [header, payload = '', signature] = user.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;

    // Act + Assess
    await expectUnauthorized(`${header}.${base64url({ ...claims, sub: '11111111-1111-4111-8111-111111111111' })}.${signature}`);
  });

  test('alg none: 401', async () => {
    // Prepare
    const [, payload] = user.accessToken.split('.');

    // Act + Assess
    await expectUnauthorized(`${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`);
  });

  test('wrong issuer: 401', async () => {
    // Prepare
    const { issuer } = cognitoSettings();
    const token = await cognitoLocalToken({ sub: user.userId, iss: `${issuer}-other` });

    // Act + Assess
    await expectUnauthorized(token);
  });

  test('expired: 401', async () => {
    // Prepare
    const token = await cognitoLocalToken({ sub: user.userId }, { expiresInSeconds: -60 });

    // Act + Assess
    await expectUnauthorized(token);
  });

  test('another app client (client_id): 401', async () => {
    // Prepare
    const token = await cognitoLocalToken({ sub: user.userId, client_id: 'another-client' });

    // Act + Assess
    await expectUnauthorized(token);
  });

  test('an id token where an access token is expected: 401', async () => {
    await expectUnauthorized(user.idToken);
  });

  test('a refresh token where an access token is expected: 401', async () => {
    await expectUnauthorized(user.refreshToken);
  });
});
