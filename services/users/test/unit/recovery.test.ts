import { errorBody, RateLimitedError } from '@photonotes/shared/errors';
import { createLogger } from '@photonotes/shared/log';
import { forgotPasswordMinimumMs, requestPasswordReset, resetPassword, revokeSessionsAfterReset } from '../../src/domain/recovery';
import { FakeIdentity, FakeUsers, manualClock, storedUser } from '../support/fakes';
import { passwordPolicy } from '../../src/domain/account-fields';
import { failureOf } from '../support/failure';

function setup() {
  const identity = new FakeIdentity();
  identity.addAccount({ userId: 'user-1', email: 'ada@example.com', password: 'abcdefg1', displayName: 'Ada' });
  const clock = manualClock();
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
    clock.advance(ms);
  };
  const log = createLogger({ service: 'users', write: () => undefined });
  return { identity, clock, slept, deps: { identity, clock, sleep, log } };
}

describe('requestPasswordReset', () => {
  test('sends a code to a known address', async () => {
    // Prepare
    const { deps, identity } = setup();

    // Act
    await requestPasswordReset('ada@example.com', deps);

    // Assess
    expect(identity.resetCodes.get('ada@example.com')).toMatch(/^[0-9]+$/);
  });

  test.each(['user-not-found', 'not-authorized', 'not-confirmed', 'invalid-parameter', 'rate-limited'] as const)(
    'resolves the same when the provider answers %s (no enumeration)',
    async (failure) => {
      // Prepare
      const { deps, identity } = setup();
      identity.failNext('forgotPassword', failure);

      // Act + Assess
      await expect(requestPasswordReset('ada@example.com', deps)).resolves.toBeUndefined();
    },
  );

  test('an unknown address resolves too', async () => {
    // Prepare
    const { deps, identity } = setup();

    // Act
    await requestPasswordReset('nobody@example.com', deps);

    // Assess
    expect(identity.resetCodes.size).toBe(0);
  });

  test('answers no sooner than the minimum, whatever the provider took', async () => {
    // Prepare
    const fast = setup();
    const slow = setup();
    const forgot = slow.identity.forgotPassword.bind(slow.identity);
    slow.identity.forgotPassword = async (email) => {
      slow.clock.advance(150);
      await forgot(email);
    };

    // Act
    await requestPasswordReset('nobody@example.com', fast.deps);
    await requestPasswordReset('ada@example.com', slow.deps);

    // Assess
    expect(fast.slept).toEqual([forgotPasswordMinimumMs]);
    expect(slow.slept).toEqual([forgotPasswordMinimumMs - 150]);
  });

  test('a provider outage is not hidden as a sent code', async () => {
    // Prepare
    const { deps, identity } = setup();
    identity.failNext('forgotPassword', new Error('connect ECONNREFUSED'));

    // Act + Assess
    await expect(requestPasswordReset('ada@example.com', deps)).rejects.toThrow('ECONNREFUSED');
  });
});

describe('resetPassword', () => {
  test('the sent code sets the new password', async () => {
    // Prepare
    const { deps, identity } = setup();
    await requestPasswordReset('ada@example.com', deps);
    const code = identity.resetCodes.get('ada@example.com') ?? '';

    // Act
    await resetPassword({ email: 'ada@example.com', code, newPassword: 'n3w-password' }, deps);

    // Assess
    expect(identity.accounts.get('ada@example.com')?.password).toBe('n3w-password');
  });

  test('a wrong code and an unknown email are the same 400 on code, without the provider text', async () => {
    // Prepare
    const { deps } = setup();
    await requestPasswordReset('ada@example.com', deps);

    // Act
    const wrong = await failureOf(resetPassword({ email: 'ada@example.com', code: '000000', newPassword: 'n3w-password' }, deps));
    const unknown = await failureOf(resetPassword({ email: 'nobody@example.com', code: '000000', newPassword: 'n3w-password' }, deps));

    // Assess
    expect(wrong.status).toBe(400);
    expect(errorBody(wrong, 'r')).toEqual(errorBody(unknown, 'r'));
    expect(wrong.details).toEqual([expect.objectContaining({ path: 'code', code: 'invalid_code' })]);
    expect(JSON.stringify(errorBody(wrong, 'r'))).not.toContain('fake');
  });

  test('an expired code is a 400 on code', async () => {
    // Prepare
    const { deps, identity } = setup();
    identity.failNext('confirmForgotPassword', 'code-expired');

    // Act
    const err = await failureOf(resetPassword({ email: 'ada@example.com', code: '123456', newPassword: 'n3w-password' }, deps));

    // Assess
    expect(err.status).toBe(400);
    expect(err.details).toEqual([expect.objectContaining({ path: 'code' })]);
  });

  test('a password the provider refuses is a 400 on newPassword in our words', async () => {
    // Prepare
    const { deps, identity } = setup();
    identity.failNext('confirmForgotPassword', 'invalid-password');

    // Act
    const err = await failureOf(resetPassword({ email: 'ada@example.com', code: '123456', newPassword: 'n3w-password' }, deps));

    // Assess
    expect(err.status).toBe(400);
    expect(err.message).toBe('The new password does not meet the password policy');
    expect(err.details).toEqual([{ location: 'body', path: 'newPassword', message: passwordPolicy, code: 'password_policy' }]);
  });

  test('too many attempts is a 429 with a Retry-After', async () => {
    // Prepare
    const { deps, identity } = setup();
    identity.failNext('confirmForgotPassword', 'rate-limited');

    // Act
    const err = await failureOf(resetPassword({ email: 'ada@example.com', code: '123456', newPassword: 'n3w-password' }, deps));

    // Assess
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.status).toBe(429);
    expect((err as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
  });

  test('a failing confirmation trigger is a 503', async () => {
    // Prepare
    const { deps, identity } = setup();
    identity.failNext('confirmForgotPassword', 'trigger-failed');

    // Act
    const err = await failureOf(resetPassword({ email: 'ada@example.com', code: '123456', newPassword: 'n3w-password' }, deps));

    // Assess
    expect(err.status).toBe(503);
  });
});

describe('revokeSessionsAfterReset', () => {
  test('a confirmed reset bumps the session epoch of the user', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser({ sessionEpoch: 2 }));

    // Act
    await revokeSessionsAfterReset({ source: 'PostConfirmation_ConfirmForgotPassword', attributes: { sub: 'user-1' } }, { users });

    // Assess
    expect(users.live('user-1')?.sessionEpoch).toBe(3);
  });

  test('a confirmed sign-up does not', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser({ sessionEpoch: 2 }));

    // Act
    await revokeSessionsAfterReset({ source: 'PostConfirmation_ConfirmSignUp', attributes: { sub: 'user-1' } }, { users });

    // Assess
    expect(users.calls).toEqual([]);
  });
});
