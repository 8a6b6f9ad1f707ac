// Account recovery (POST /auth/forgot, POST /auth/reset, with the code from the local stage's mail outbox) and
// logout with a refresh token, through the gateway against cognito-local and DynamoDB Local.
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { localCredentials, localRegion } from '../../../../scripts/platform/emulators';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser, uniqueEmail } from '../../../../test/support/users';
import { forgotPasswordMinimumMs } from '../../src/domain/recovery';
import { cognitoSettings } from '../support/local-platform';

interface MailOutbox {
  items: Array<{ email: string; purpose: string; code: string; sentAt: string }>;
}

async function resetCodes(email: string): Promise<string[]> {
  const res = await api<MailOutbox>(`/dev/mail-outbox?email=${encodeURIComponent(email)}`);
  if (res.status !== 200) throw new Error(`GET /dev/mail-outbox answered ${res.status}: ${res.text}`);
  return res.body.items.filter((item) => item.purpose === 'password-reset').map((item) => item.code);
}

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const startedAt = Date.now();
  const result = await call();
  return { result, ms: Date.now() - startedAt };
}

/** REFRESH_TOKEN_AUTH straight at cognito-local, as anyone holding the token could do: the exception's name, or 'ok'. */
async function refreshAtCognito(refreshToken: string): Promise<string> {
  const { issuer, clientId } = cognitoSettings();
  const client = new CognitoIdentityProviderClient({ endpoint: new URL(issuer).origin, region: localRegion, credentials: localCredentials });
  try {
    await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }));
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.name : String(err);
  } finally {
    client.destroy();
  }
}

const refresh = (refreshToken: string) => api<ErrorBody>('/auth/refresh', { method: 'POST', body: { refreshToken } });
const logIn = (email: string, password: string) => api<{ refreshToken: string }>('/auth/login', { method: 'POST', body: { email, password } });

describe('POST /auth/forgot', () => {
  test('a known and an unknown address get the same answer, both no sooner than the minimum; only the known one gets a code', async () => {
    // Prepare
    const user = await createTestUser('forgot');
    const unknown = uniqueEmail('forgot-nobody');

    // Act
    const known = await timed(() => api('/auth/forgot', { method: 'POST', body: { email: user.email } }));
    const missing = await timed(() => api('/auth/forgot', { method: 'POST', body: { email: unknown } }));

    // Assess
    expect(known.result.status).toBe(202);
    expect(missing.result.status).toBe(202);
    expect(missing.result.text).toBe(known.result.text);
    expect(missing.result.headers.get('content-type')).toBe(known.result.headers.get('content-type'));
    expect(known.ms).toBeGreaterThanOrEqual(forgotPasswordMinimumMs);
    expect(missing.ms).toBeGreaterThanOrEqual(forgotPasswordMinimumMs);
    expect(await resetCodes(user.email)).toEqual([expect.stringMatching(/^[0-9]{4,10}$/)]);
    expect(await resetCodes(unknown)).toEqual([]);
  });

  test('an invalid email is a 400', async () => {
    // Act
    const res = await api<ErrorBody>('/auth/forgot', { method: 'POST', body: { email: 'not-an-address' } });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /auth/reset', () => {
  test('the emailed code sets the new password: old password refused, new one works, old refresh tokens refused', async () => {
    // Prepare
    const user = await createTestUser('reset');
    expect((await api('/auth/forgot', { method: 'POST', body: { email: user.email } })).status).toBe(202);
    const [code] = await resetCodes(user.email);
    const newPassword = 'n3w-secret-passw0rd';

    // Act
    const res = await api('/auth/reset', { method: 'POST', body: { email: user.email, code, newPassword } });

    // Assess
    expect(res.status).toBe(204);
    expect((await logIn(user.email, user.password)).status).toBe(401);
    const fresh = await logIn(user.email, newPassword);
    expect(fresh.status).toBe(200);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await refresh(fresh.body.refreshToken)).status).toBe(200);
  });

  test('a wrong code is a 400 on code, without the provider text, and the password is unchanged', async () => {
    // Prepare
    const user = await createTestUser('reset-wrong');
    await api('/auth/forgot', { method: 'POST', body: { email: user.email } });
    const [code] = await resetCodes(user.email);
    const wrong = code === '000000' ? '111111' : '000000';

    // Act
    const res = await api<ErrorBody>('/auth/reset', { method: 'POST', body: { email: user.email, code: wrong, newPassword: 'n3w-secret-passw0rd' } });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid or expired reset code' });
    expect(res.text).not.toMatch(/verification code provided|CodeMismatch/i);
    expect((await logIn(user.email, user.password)).status).toBe(200);
  });

  test('a new password the policy refuses is a 400 on newPassword', async () => {
    // Act
    const res = await api<ErrorBody>('/auth/reset', { method: 'POST', body: { email: uniqueEmail('reset-weak'), code: '123456', newPassword: 'short' } });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'newPassword' })]));
  });
});

describe('POST /auth/logout with a refresh token', () => {
  test('the refresh token then fails at /auth/refresh and straight at cognito-local', async () => {
    // Prepare
    const user = await createTestUser('logout-revoke');
    expect(await refreshAtCognito(user.refreshToken)).toBe('ok');

    // Act
    const res = await api('/auth/logout', { method: 'POST', token: user.accessToken, body: { refreshToken: user.refreshToken } });

    // Assess
    expect(res.status).toBe(204);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect(await refreshAtCognito(user.refreshToken)).toBe('NotAuthorizedException');
  });

  test('without a body it still logs out (204, refresh token refused here)', async () => {
    // Prepare
    const user = await createTestUser('logout-nobody');

    // Act
    const res = await api('/auth/logout', { method: 'POST', token: user.accessToken });

    // Assess
    expect(res.status).toBe(204);
    expect((await refresh(user.refreshToken)).status).toBe(401);
  });
});

describe('GET /dev/mail-outbox', () => {
  test('needs an email', async () => {
    // Act
    const res = await api<ErrorBody>('/dev/mail-outbox');

    // Assess
    expect(res.status).toBe(400);
  });
});
