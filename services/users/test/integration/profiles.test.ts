// Profiles and account deletion through the gateway.
import { randomUUID } from 'node:crypto';
import { parseEvent } from '@photonotes/shared/contracts/event';
import { userDeleted, userSignedUp } from '@photonotes/shared/contracts/user-events';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import { cognitoUserExists, eventually, invokeUsersFunction, listenToTopic } from '../support/local-platform';
import type { TopicListener } from '../support/local-platform';

interface OwnProfile {
  userId: string;
  email: string;
  displayName: string;
  bio: string;
  createdAt: string;
  updatedAt: string;
}

function patchMe(token: string, body: unknown) {
  return api<OwnProfile & ErrorBody>('/users/me', { method: 'PATCH', token, body });
}

describe('GET /users/me', () => {
  test('answers exactly the own profile fields', async () => {
    // Prepare
    const user = await createTestUser('me');

    // Act
    const res = await api<OwnProfile>('/users/me', { token: user.accessToken });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: user.userId, email: user.email, displayName: 'me', bio: '', createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(res.body.createdAt).toBe(res.body.updatedAt);
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
  });
});

describe('PATCH /users/me', () => {
  test('changes the fields given and moves updatedAt forward', async () => {
    // Prepare
    const user = await createTestUser('patch');
    const before = await api<OwnProfile>('/users/me', { token: user.accessToken });

    // Act
    const res = await patchMe(user.accessToken, { displayName: '  Ada Lovelace ', bio: 'First programmer.' });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: user.userId, email: user.email, displayName: 'Ada Lovelace', bio: 'First programmer.', createdAt: before.body.createdAt });
    expect(res.body.updatedAt > before.body.updatedAt).toBe(true);
    expect((await api<OwnProfile>('/users/me', { token: user.accessToken })).body).toEqual(res.body);
  });

  test('two concurrent PATCHes of different fields both land, each with its own later updatedAt', async () => {
    // Prepare
    const user = await createTestUser('race');

    // Act
    const [name, bio] = await Promise.all([patchMe(user.accessToken, { displayName: 'Racer' }), patchMe(user.accessToken, { bio: 'Fast' })]);

    // Assess
    expect([name.status, bio.status]).toEqual([200, 200]);
    expect(name.body.updatedAt).not.toBe(bio.body.updatedAt);
    const stored = await api<OwnProfile>('/users/me', { token: user.accessToken });
    expect(stored.body).toMatchObject({ displayName: 'Racer', bio: 'Fast' });
    expect(stored.body.updatedAt).toBe([name.body.updatedAt, bio.body.updatedAt].sort()[1]);
  });

  test.each([
    ['displayName', ''],
    ['displayName', 'x'.repeat(81)],
    ['displayName', 42],
    ['displayName', null],
    ['bio', 'y'.repeat(501)],
    ['bio', ['list']],
    ['email', 'new@example.com'],
  ])('%s = %j is a 400 with details, and nothing changes', async (field, value) => {
    // Prepare
    const user = await createTestUser('limits');
    const before = await api<OwnProfile>('/users/me', { token: user.accessToken });

    // Act
    const res = await patchMe(user.accessToken, { [field]: value });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details?.length).toBeGreaterThan(0);
    expect((await api<OwnProfile>('/users/me', { token: user.accessToken })).body).toEqual(before.body);
  });

  test('the limits themselves are accepted: displayName 80, bio 500, bio empty', async () => {
    // Prepare
    const user = await createTestUser('edges');

    // Act
    const longest = await patchMe(user.accessToken, { displayName: 'x'.repeat(80), bio: 'y'.repeat(500) });
    const emptyBio = await patchMe(user.accessToken, { bio: '' });

    // Assess
    expect(longest.status).toBe(200);
    expect(emptyBio.status).toBe(200);
    expect(emptyBio.body.bio).toBe('');
  });
});

describe('GET /users/{userId}', () => {
  test("shows another user's public profile, never the email", async () => {
    // Prepare
    const [viewer, owner] = await Promise.all([createTestUser('viewer'), createTestUser('owner')]);
    await patchMe(owner.accessToken, { bio: 'Hello' });

    // Act
    const res = await api<Record<string, unknown>>(`/users/${owner.userId}`, { token: viewer.accessToken });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: owner.userId, displayName: 'owner', bio: 'Hello', createdAt: expect.any(String) });
    expect(res.text).not.toContain(owner.email);
  });

  test('an unknown user is a 404 error body; a junk id is a 400', async () => {
    // Prepare
    const viewer = await createTestUser('viewer');

    // Act
    const unknown = await api<ErrorBody>('/users/7d0b1c6e-9a3f-4f7e-8a55-0c2b7f0e9d11', { token: viewer.accessToken });
    const junk = await api<ErrorBody>(`/users/${encodeURIComponent('<script>')}`, { token: viewer.accessToken });

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
    expect(junk.status).toBe(400);
    expect(junk.body.error.code).toBe('VALIDATION_FAILED');
  });

  test('requires a token', async () => {
    // Prepare
    const owner = await createTestUser('owner');

    // Act
    const res = await api<ErrorBody>(`/users/${owner.userId}`);

    // Assess
    expect(res.status).toBe(401);
  });
});

describe('the confirmation trigger', () => {
  test('a replayed PostConfirmation neither duplicates nor overwrites the profile', async () => {
    // Prepare
    const user = await createTestUser('replay');
    const edited = await patchMe(user.accessToken, { displayName: 'Edited', bio: 'Kept' });
    const event = {
      version: '1',
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      region: 'local',
      userPoolId: 'local',
      userName: user.userId,
      callerContext: { awsSdkVersion: 'test', clientId: 'test' },
      request: { userAttributes: { sub: user.userId, email: user.email, name: 'Replayed', email_verified: 'true' } },
      response: {},
    };

    // Act
    const invoked = await invokeUsersFunction('postConfirmation', event);

    // Assess
    expect(invoked.status).toBe(200);
    expect((await api<OwnProfile>('/users/me', { token: user.accessToken })).body).toEqual(edited.body);
  });
});

describe('DELETE /users/me', () => {
  let listener: TopicListener;

  beforeAll(async () => {
    listener = await listenToTopic('photonotes-local-user-events');
  });

  afterAll(async () => {
    await listener.close();
  });

  test('removes the account and the profile at once and publishes user.deleted, correlated with the request', async () => {
    // Prepare
    const [user, viewer] = await Promise.all([createTestUser('leaving'), createTestUser('viewer')]);
    const requestId = `delete-${randomUUID()}`;

    // Act
    const res = await api('/users/me', { method: 'DELETE', token: user.accessToken, headers: { 'x-request-id': requestId } });

    // Assess
    expect(res.status).toBe(204);
    expect((await api('/users/me', { token: user.accessToken })).status).toBe(404);
    expect((await api(`/users/${user.userId}`, { token: viewer.accessToken })).status).toBe(404);
    expect(await cognitoUserExists(user.email)).toBe(false);
    expect((await api('/auth/login', { method: 'POST', body: { email: user.email, password: user.password } })).status).toBe(401);
    expect((await api('/auth/refresh', { method: 'POST', body: { refreshToken: user.refreshToken } })).status).toBe(401);
    const published = (type: string) => () =>
      listener.messages.find((message) => (message as { type?: string; data?: { userId?: string } }).data?.userId === user.userId && (message as { type?: string }).type === type);
    const event = await eventually(published('user.deleted'));
    // The sign-up was announced too, by the PostConfirmation trigger, once.
    const signedUp = await eventually(published('user.signed_up'));
    expect(signedUp).toEqual({ id: `user.signed_up:${user.userId}`, type: 'user.signed_up', version: 1, source: 'users', occurredAt: expect.any(String), correlationId: expect.any(String), data: { userId: user.userId, signedUpAt: expect.any(String) } });
    expect(parseEvent(userSignedUp, JSON.stringify(signedUp)).kind).toBe('parsed');
    expect(event).toEqual({ id: expect.any(String), type: 'user.deleted', version: 1, source: 'users', occurredAt: expect.any(String), correlationId: requestId, data: { userId: user.userId } });
    expect(parseEvent(userDeleted, JSON.stringify(event)).kind).toBe('parsed');
  });

  test('a repeated DELETE is harmless (204 while the token is still honoured, 401 once it is refused), and the email can sign up again as a new user', async () => {
    // Prepare
    const user = await createTestUser('again');
    await api('/users/me', { method: 'DELETE', token: user.accessToken });

    // Act
    const repeated = await api('/users/me', { method: 'DELETE', token: user.accessToken });
    const signUpAgain = await api<{ userId: string }>('/auth/signup', { method: 'POST', body: { email: user.email, password: user.password, displayName: 'Back' } });

    // Assess: the revocation (API.md) refuses the token within 5 s; until then the repeat changes nothing.
    expect([204, 401]).toContain(repeated.status);
    expect(signUpAgain.status).toBe(201);
    expect(signUpAgain.body.userId).not.toBe(user.userId);
  });

  test('a replayed confirmation of the deleted user does not bring the profile back', async () => {
    // Prepare
    const [user, viewer] = await Promise.all([createTestUser('gone'), createTestUser('viewer')]);
    await api('/users/me', { method: 'DELETE', token: user.accessToken });
    const event = {
      version: '1',
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      region: 'local',
      userPoolId: 'local',
      userName: user.userId,
      callerContext: { awsSdkVersion: 'test', clientId: 'test' },
      request: { userAttributes: { sub: user.userId, email: user.email, name: 'gone' } },
      response: {},
    };

    // Act
    await invokeUsersFunction('postConfirmation', event);

    // Assess
    expect((await api(`/users/${user.userId}`, { token: viewer.accessToken })).status).toBe(404);
  });
});
