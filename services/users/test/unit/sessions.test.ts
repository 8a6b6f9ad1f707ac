import { errorBody } from '@photonotes/shared/errors';
import { createLogger } from '@photonotes/shared/log';
import { logIn, logOut, refreshSession } from '../../src/domain/sessions';
import { FakeIdentity, FakeSessions, FakeUsers, manualClock, storedUser } from '../support/fakes';
import { failureOf } from '../support/failure';

function setup() {
  const identity = new FakeIdentity();
  identity.addAccount({ userId: 'user-1', email: 'ada@example.com', password: 'abcdefg1', displayName: 'Ada' });
  const users = new FakeUsers();
  users.seed(storedUser());
  const sessions = new FakeSessions();
  const clock = manualClock();
  const lines: string[] = [];
  const log = createLogger({ service: 'users', write: (line) => lines.push(line) });
  const signedUp: Array<{ userId: string; signedUpAt: string }> = [];
  const signUps = {
    async userSignedUp(userId: string, signedUpAt: string) {
      signedUp.push({ userId, signedUpAt });
    },
  };
  return { identity, users, sessions, clock, lines, signedUp, deps: { identity, users, sessions, clock, log, signUps } };
}

describe('logIn', () => {
  test('returns the tokens as Bearer and records the refresh token under the current session epoch', async () => {
    // Prepare
    const { deps, sessions, users } = setup();
    users.seed(storedUser({ sessionEpoch: 4 }));

    // Act
    const result = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);

    // Assess
    expect(result).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, accessToken: expect.any(String), idToken: expect.any(String) });
    expect(await sessions.find(result.refreshToken, deps.clock.now())).toEqual({ userId: 'user-1', sessionEpoch: 4 });
  });

  test('an unknown email and a wrong password get exactly the same error', async () => {
    // Prepare
    const { deps } = setup();

    // Act
    const unknown = await failureOf(logIn({ email: 'nobody@example.com', password: 'abcdefg1' }, deps));
    const wrong = await failureOf(logIn({ email: 'ada@example.com', password: 'wrong-password1' }, deps));

    // Assess
    expect(unknown.status).toBe(401);
    expect(errorBody(unknown, 'r')).toEqual(errorBody(wrong, 'r'));
  });

  test('an unknown email and a wrong password cost the same provider calls', async () => {
    // Prepare
    const unknownCase = setup();
    const wrongCase = setup();

    // Act
    await failureOf(logIn({ email: 'nobody@example.com', password: 'abcdefg1' }, unknownCase.deps));
    await failureOf(logIn({ email: 'ada@example.com', password: 'wrong-password1' }, wrongCase.deps));

    // Assess
    expect(unknownCase.identity.calls).toEqual(wrongCase.identity.calls);
    expect(unknownCase.users.calls).toEqual(wrongCase.users.calls);
  });

  test('recreates a profile that the confirmation trigger failed to write, and announces the sign-up', async () => {
    // Prepare
    const { deps, users, signedUp } = setup();
    users.items.clear();

    // Act
    await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);

    // Assess
    const profile = users.live('user-1');
    expect(profile).toMatchObject({ email: 'ada@example.com', displayName: 'Ada', bio: '', sessionEpoch: 0 });
    expect(signedUp).toEqual([{ userId: 'user-1', signedUpAt: profile?.createdAt }]);
  });

  test('stores a recreated profile under the lower-case address, whatever case the provider kept', async () => {
    // Prepare
    const { deps, users, identity } = setup();
    users.items.clear();
    identity.addAccount({ userId: 'user-2', email: 'Grace@Example.com', password: 'abcdefg2', displayName: 'Grace' });

    // Act: the provider's answer carries the address as it kept it (the fake answers with the one given)
    await logIn({ email: 'Grace@Example.com', password: 'abcdefg2' }, deps);

    // Assess
    expect(users.live('user-2')?.email).toBe('grace@example.com');
  });

  test('announces nothing when the profile is there', async () => {
    // Prepare
    const { deps, signedUp } = setup();

    // Act
    await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);

    // Assess
    expect(signedUp).toEqual([]);
  });

  test('an account deleted while the login was in flight gets the 401', async () => {
    // Prepare
    const { deps, users, sessions } = setup();
    await users.markDeleted('user-1', new Date());

    // Act
    const err = await failureOf(logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps));

    // Assess
    expect(err.status).toBe(401);
    expect(users.live('user-1')).toBeUndefined();
    expect(sessions.records.size).toBe(0);
  });

  test('an unconfirmed account with the right password is told to confirm (403)', async () => {
    // Prepare
    const { deps, identity } = setup();
    identity.failNext('logIn', 'not-confirmed');

    // Act
    const err = await failureOf(logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps));

    // Assess
    expect(err.status).toBe(403);
  });
});

describe('refreshSession', () => {
  test('a refresh token from /auth/login gets new access and id tokens', async () => {
    // Prepare
    const { deps } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);

    // Act
    const refreshed = await refreshSession(login.refreshToken, deps);

    // Assess
    expect(refreshed).toEqual({ accessToken: expect.any(String), idToken: expect.any(String), expiresIn: 3600, tokenType: 'Bearer' });
    expect(refreshed.accessToken).not.toBe(login.accessToken);
  });

  test('after a logout every refresh token of the user is refused, even if the provider would still accept it', async () => {
    // Prepare
    const { deps, identity } = setup();
    const phone = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    const tablet = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    await logOut({ userId: 'user-1', accessToken: phone.accessToken }, deps);

    // Act
    const errors = await Promise.all([failureOf(refreshSession(phone.refreshToken, deps)), failureOf(refreshSession(tablet.refreshToken, deps))]);

    // Assess
    expect(errors.map((err) => err.status)).toEqual([401, 401]);
    expect(identity.calls).not.toContain('refresh');
  });

  test('a login after the logout works again', async () => {
    // Prepare
    const { deps } = setup();
    const before = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    await logOut({ userId: 'user-1', accessToken: before.accessToken }, deps);
    const after = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);

    // Act
    const refreshed = await refreshSession(after.refreshToken, deps);

    // Assess
    expect(refreshed.tokenType).toBe('Bearer');
  });

  test('a token never issued through /auth/login is refused', async () => {
    // Prepare
    const { deps, identity } = setup();
    identity.refreshTokens.set('minted-elsewhere', 'user-1');

    // Act
    const err = await failureOf(refreshSession('minted-elsewhere', deps));

    // Assess
    expect(err.status).toBe(401);
  });

  test('an expired record is refused', async () => {
    // Prepare
    const { deps, clock } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    clock.advance(31 * 86_400_000);

    // Act
    const err = await failureOf(refreshSession(login.refreshToken, deps));

    // Assess
    expect(err.status).toBe(401);
  });

  test('a token the provider refuses is a 401', async () => {
    // Prepare
    const { deps, identity } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    identity.refreshTokens.delete(login.refreshToken);

    // Act
    const err = await failureOf(refreshSession(login.refreshToken, deps));

    // Assess
    expect(err.status).toBe(401);
  });

  test('a refresh token of a deleted account is a 401', async () => {
    // Prepare
    const { deps, users } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    await users.markDeleted('user-1', new Date());

    // Act
    const err = await failureOf(refreshSession(login.refreshToken, deps));

    // Assess
    expect(err.status).toBe(401);
  });
});

describe('logOut', () => {
  test('still succeeds when the provider sign-out fails, and logs it', async () => {
    // Prepare
    const { deps, identity, users, lines } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    identity.failNext('signOutEverywhere', new Error('throttled'));

    // Act
    await logOut({ userId: 'user-1', accessToken: login.accessToken }, deps);

    // Assess
    expect(users.live('user-1')?.sessionEpoch).toBe(1);
    expect(lines.join('')).toContain('Provider sign-out failed');
    await expect(refreshSession(login.refreshToken, deps)).rejects.toMatchObject({ status: 401 });
  });
});

describe('logOut with a refresh token', () => {
  test('revokes it at the provider before bumping the epoch', async () => {
    // Prepare
    const { deps, identity, users } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    identity.calls.length = 0;
    users.calls.length = 0;

    // Act
    await logOut({ userId: 'user-1', accessToken: login.accessToken, refreshToken: login.refreshToken }, deps);

    // Assess
    expect(identity.calls).toEqual(['revokeRefreshToken', 'signOutEverywhere']);
    expect(identity.refreshTokens.has(login.refreshToken)).toBe(false);
    expect(users.calls).toEqual(['bumpSessionEpoch user-1']);
    await expect(refreshSession(login.refreshToken, deps)).rejects.toMatchObject({ status: 401 });
  });

  test('a failed revocation is a 503 and changes nothing, so a retry with the same access token can succeed', async () => {
    // Prepare
    const { deps, identity, users } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    identity.failNext('revokeRefreshToken', new Error('socket hang up'));

    // Act
    const err = await failureOf(logOut({ userId: 'user-1', accessToken: login.accessToken, refreshToken: login.refreshToken }, deps));

    // Assess
    expect(err.status).toBe(503);
    expect(JSON.stringify(errorBody(err, 'r'))).not.toContain('socket');
    expect(users.live('user-1')?.sessionEpoch).toBe(0);
    expect(identity.calls).not.toContain('signOutEverywhere');
    await logOut({ userId: 'user-1', accessToken: login.accessToken, refreshToken: login.refreshToken }, deps);
    expect(users.live('user-1')?.sessionEpoch).toBe(1);
    expect(identity.refreshTokens.has(login.refreshToken)).toBe(false);
  });

  test('a provider throttle on revocation is a 503 too', async () => {
    // Prepare
    const { deps, identity, users } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    identity.failNext('revokeRefreshToken', 'rate-limited');

    // Act
    const err = await failureOf(logOut({ userId: 'user-1', accessToken: login.accessToken, refreshToken: login.refreshToken }, deps));

    // Assess
    expect(err.status).toBe(503);
    expect(users.live('user-1')?.sessionEpoch).toBe(0);
  });

  test('a token the provider no longer knows (already revoked) still logs out', async () => {
    // Prepare
    const { deps, users } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);

    // Act
    await logOut({ userId: 'user-1', accessToken: login.accessToken, refreshToken: 'refresh-unknown' }, deps);

    // Assess
    expect(users.live('user-1')?.sessionEpoch).toBe(1);
  });

  test('something that is not a refresh token is a 400 naming refreshToken, with no provider text', async () => {
    // Prepare
    const { deps, identity, users } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);
    identity.failNext('revokeRefreshToken', 'invalid-parameter');

    // Act
    const err = await failureOf(logOut({ userId: 'user-1', accessToken: login.accessToken, refreshToken: login.accessToken }, deps));

    // Assess
    expect(err.status).toBe(400);
    expect(err.details).toEqual([expect.objectContaining({ path: 'refreshToken' })]);
    expect(JSON.stringify(errorBody(err, 'r'))).not.toContain('fake');
    expect(users.live('user-1')?.sessionEpoch).toBe(0);
  });

  test('without a refresh token nothing is revoked at the provider one by one', async () => {
    // Prepare
    const { deps, identity } = setup();
    const login = await logIn({ email: 'ada@example.com', password: 'abcdefg1' }, deps);

    // Act
    await logOut({ userId: 'user-1', accessToken: login.accessToken }, deps);

    // Assess
    expect(identity.calls).not.toContain('revokeRefreshToken');
  });
});
