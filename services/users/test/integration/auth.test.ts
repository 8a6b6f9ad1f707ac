// Sign-up, confirmation, login, refresh and logout through the gateway, against cognito-local and DynamoDB Local.
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser, uniqueEmail } from '../../../../test/support/users';
import { cognitoUserExists } from '../support/local-platform';

interface SignUpReply {
  userId: string;
  email: string;
  confirmed: boolean;
}

interface LoginReply {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
}

const password = 'correct horse 1';

function signUp(body: unknown) {
  return api<SignUpReply & ErrorBody>('/auth/signup', { method: 'POST', body });
}

function logIn(email: string, pass = password) {
  return api<LoginReply & ErrorBody>('/auth/login', { method: 'POST', body: { email, password: pass } });
}

function refresh(refreshToken: string) {
  return api<LoginReply & ErrorBody>('/auth/refresh', { method: 'POST', body: { refreshToken } });
}

describe('POST /auth/signup', () => {
  test('creates a confirmed account (local stage) whose profile exists at once', async () => {
    // Prepare
    const email = uniqueEmail('signup');

    // Act
    const res = await signUp({ email, password, displayName: 'Ada' });
    const login = await logIn(email);
    const me = await api('/users/me', { token: login.body.accessToken });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ userId: expect.any(String), email, confirmed: true });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: res.body.userId, email, displayName: 'Ada', bio: '' });
  });

  test('stores the email lower-case; a duplicate, also differing only in case, is a 409 that changes nothing', async () => {
    // Prepare
    const email = uniqueEmail('dup');
    const first = await signUp({ email: email.toUpperCase(), password, displayName: 'Original' });

    // Act
    const same = await signUp({ email, password, displayName: 'Second' });
    const otherCase = await signUp({ email: `  ${email.replace(/^d/, 'D')} `, password: 'another pass 2', displayName: 'Third' });

    // Assess
    expect(first.status).toBe(201);
    expect(first.body.email).toBe(email);
    expect(same.status).toBe(409);
    expect(otherCase.status).toBe(409);
    expect(otherCase.body.error).toMatchObject({ code: 'CONFLICT', requestId: expect.any(String) });
    const login = await logIn(email);
    expect(login.status).toBe(200);
    const me = await api<{ userId: string; displayName: string }>('/users/me', { token: login.body.accessToken });
    expect(me.body).toMatchObject({ userId: first.body.userId, displayName: 'Original' });
  });

  test.each([
    ['too short', 'abc12', 'must be at least 8 characters'],
    ['without a digit', 'correct horse', 'must contain a digit'],
    ['without a letter', '1234567890', 'must contain a letter'],
    ['over 128 characters', `a1${'b'.repeat(127)}`, 'must be at most 128 characters'],
  ])('a password %s is a 400 naming the rule, and no Cognito user is created', async (_case, weak, message) => {
    // Prepare
    const email = uniqueEmail('weak');

    // Act
    const res = await signUp({ email, password: weak, displayName: 'Weak' });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ location: 'body', path: 'password', message }));
    // Our words only: nothing of the identity provider's own refusal text ("Password did not conform with policy").
    expect(res.text).not.toMatch(/conform|policy:|Exception|Cognito/i);
    expect(await cognitoUserExists(email)).toBe(false);
  });

  test.each([
    ['email', 'not-an-email'],
    ['email', 12345],
    ['email', `${'a'.repeat(250)}@example.com`],
    ['password', 12345678],
    ['displayName', ''],
    ['displayName', 'x'.repeat(81)],
    ['displayName', { first: 'Ada' }],
    ['displayName', undefined],
  ])('%s = %j is a 400 naming the field, and no Cognito user is created', async (field, value) => {
    // Prepare
    const email = uniqueEmail('invalid');
    const body: Record<string, unknown> = { email, password, displayName: 'Valid', [field]: value };

    // Act
    const res = await signUp(body);

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ location: 'body', path: field }));
    expect(await cognitoUserExists(email)).toBe(false);
  });
});

describe('POST /auth/confirm', () => {
  test('a wrong code is a 400 error body', async () => {
    // Prepare
    const user = await createTestUser('confirm');

    // Act
    const res = await api<ErrorBody>('/auth/confirm', { method: 'POST', body: { email: user.email, code: '000000' } });
    const unknown = await api<ErrorBody>('/auth/confirm', { method: 'POST', body: { email: uniqueEmail('nobody'), code: '000000' } });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(res.body.error.message);
  });

  test('a code that is not digits is refused by validation', async () => {
    // Act
    const res = await api<ErrorBody>('/auth/confirm', { method: 'POST', body: { email: uniqueEmail('c'), code: 'abc' } });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'code' }));
  });
});

describe('POST /auth/login', () => {
  test('answers the tokens and expiresIn as the contract says, for any case of the email', async () => {
    // Prepare
    const user = await createTestUser('login');

    // Act
    const res = await logIn(user.email.toUpperCase(), user.password);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), idToken: expect.any(String), refreshToken: expect.any(String), expiresIn: expect.any(Number), tokenType: 'Bearer' });
    expect(res.body.expiresIn).toBeGreaterThan(0);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await api('/users/me', { token: res.body.accessToken })).status).toBe(200);
  });

  test('an unknown email and a wrong password give the same 401', async () => {
    // Prepare
    const user = await createTestUser('enum');

    // Act
    const wrongPassword = await logIn(user.email, 'wrong password 9');
    const unknownEmail = await logIn(uniqueEmail('nobody'), 'wrong password 9');

    // Assess
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const { requestId: _a, ...wrongBody } = wrongPassword.body.error;
    const { requestId: _b, ...unknownBody } = unknownEmail.body.error;
    expect(wrongBody).toEqual(unknownBody);
  });

  test('a missing password is a 400, not a 401', async () => {
    // Act
    const res = await api<ErrorBody>('/auth/login', { method: 'POST', body: { email: uniqueEmail('x') } });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'password' }));
  });
});

describe('POST /auth/refresh', () => {
  test('gives new access and id tokens that work', async () => {
    // Prepare
    const user = await createTestUser('refresh');

    // Act
    const res = await refresh(user.refreshToken);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), idToken: expect.any(String), expiresIn: expect.any(Number), tokenType: 'Bearer' });
    const me = await api<{ userId: string }>('/users/me', { token: res.body.accessToken });
    expect(me.body.userId).toBe(user.userId);
  });

  test('a made-up refresh token is a 401', async () => {
    // Act
    const res = await refresh('not-a-refresh-token');

    // Assess
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });
});

describe('POST /auth/logout', () => {
  test('204, and then every refresh token of the user is refused while a new login works', async () => {
    // Prepare
    const user = await createTestUser('logout');
    const otherDevice = await logIn(user.email, user.password);
    expect((await refresh(user.refreshToken)).status).toBe(200);

    // Act
    const res = await api('/auth/logout', { method: 'POST', token: user.accessToken });

    // Assess
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const afterLogout = await refresh(user.refreshToken);
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body.error).toMatchObject({ code: 'UNAUTHORIZED', requestId: expect.any(String) });
    expect((await refresh(otherDevice.body.refreshToken)).status).toBe(401);
    const again = await logIn(user.email, user.password);
    expect((await refresh(again.body.refreshToken)).status).toBe(200);
  });

  test('accepts an empty JSON object as body, and refuses a call without a token', async () => {
    // Prepare
    const user = await createTestUser('logout-body');

    // Act
    const withBody = await api('/auth/logout', { method: 'POST', token: user.accessToken, body: {} });
    const withoutToken = await api<ErrorBody>('/auth/logout', { method: 'POST' });

    // Assess
    expect(withBody.status).toBe(204);
    expect(withoutToken.status).toBe(401);
    expect(withoutToken.body.error.code).toBe('UNAUTHORIZED');
  });
});
