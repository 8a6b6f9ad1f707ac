import { passwordPolicy } from '../../src/domain/account-fields';
import { IdentityProviderError } from '../../src/domain/identity-provider';
import { confirmSignUp, preSignUpDecision, signUp, SignUpRefused } from '../../src/domain/sign-up';
import { FakeIdentity } from '../support/fakes';
import { failureOf } from '../support/failure';

const input = { email: 'ada@example.com', password: 'abcdefg1', displayName: 'Ada' };

describe('signUp', () => {
  test('returns the user id, the normalised email and whether the account is already confirmed', async () => {
    // Prepare
    const identity = new FakeIdentity({ autoConfirm: false });

    // Act
    const result = await signUp(input, { identity });

    // Assess
    expect(result).toEqual({ userId: 'user-1', email: 'ada@example.com', confirmed: false });
  });

  test('a taken email is a 409', async () => {
    // Prepare
    const identity = new FakeIdentity();
    await signUp(input, { identity });

    // Act
    const err = await failureOf(signUp({ ...input, displayName: 'Someone else' }, { identity }));

    // Assess
    expect(err).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  test("a password refused by the provider's policy is a 400 naming the password, in our words", async () => {
    // Prepare: Cognito's own text for a password its pool policy refuses.
    const identity = new FakeIdentity();
    const cognitoText = 'Password did not conform with policy: Password must have uppercase characters';
    identity.failNext('signUp', new IdentityProviderError('invalid-password', cognitoText));

    // Act
    const err = await failureOf(signUp(input, { identity }));

    // Assess
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'The password does not meet the password policy' });
    expect(err.details).toEqual([{ location: 'body', path: 'password', message: passwordPolicy, code: 'password_policy' }]);
    expect(JSON.stringify({ message: err.message, details: err.details })).not.toContain('conform');
  });

  test("a parameter the provider refuses is a 400 that does not repeat the provider's text", async () => {
    // Prepare
    const identity = new FakeIdentity();
    const cognitoText = "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern";
    identity.failNext('signUp', new IdentityProviderError('invalid-parameter', cognitoText));

    // Act
    const err = await failureOf(signUp(input, { identity }));

    // Assess
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const told = JSON.stringify({ message: err.message, details: err.details });
    expect(told).not.toContain('validation error detected');
    expect(told).not.toContain('regular expression');
  });

  test('a failing trigger is a 503, not a 500', async () => {
    // Prepare
    const identity = new FakeIdentity();
    identity.failNext('signUp', 'trigger-failed');

    // Act
    const err = await failureOf(signUp(input, { identity }));

    // Assess
    expect(err).toMatchObject({ status: 503 });
  });

  test('an unexpected provider error is left to the 500 handler', async () => {
    // Prepare
    const identity = new FakeIdentity();
    identity.failNext('signUp', new Error('socket hang up'));

    // Act
    const outcome = signUp(input, { identity });

    // Assess
    await expect(outcome).rejects.toThrow('socket hang up');
  });
});

describe('confirmSignUp', () => {
  test.each(['code-mismatch', 'code-expired', 'user-not-found', 'not-authorized'] as const)('%s gives one and the same 400', async (reason) => {
    // Prepare
    const identity = new FakeIdentity();
    identity.failNext('confirmSignUp', reason);

    // Act
    const err = await failureOf(confirmSignUp({ email: 'ada@example.com', code: '123456' }, { identity }));

    // Assess
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid or expired confirmation code');
  });
});

describe('preSignUpDecision', () => {
  const attributes = { email: 'ada@example.com', name: 'Ada' };

  test('in the local stage a sign-up is confirmed and its email verified', () => {
    // Act
    const decision = preSignUpDecision({ source: 'PreSignUp_SignUp', attributes }, { autoConfirm: true });

    // Assess
    expect(decision).toEqual({ autoConfirmUser: true, autoVerifyEmail: true });
  });

  test('deployed, the email code confirms it', () => {
    // Act
    const decision = preSignUpDecision({ source: 'PreSignUp_SignUp', attributes }, { autoConfirm: false });

    // Assess
    expect(decision).toEqual({ autoConfirmUser: false, autoVerifyEmail: false });
  });

  test("in the local stage a sign-up whose client metadata declines it stays unconfirmed, as it would deployed", () => {
    // Act
    const declined = preSignUpDecision({ source: 'PreSignUp_SignUp', attributes, clientMetadata: { autoConfirm: 'false' } }, { autoConfirm: true });
    const other = preSignUpDecision({ source: 'PreSignUp_SignUp', attributes, clientMetadata: { app: 'ios' } }, { autoConfirm: true });

    // Assess
    expect(declined).toEqual({ autoConfirmUser: false, autoVerifyEmail: false });
    expect(other).toEqual({ autoConfirmUser: true, autoVerifyEmail: true });
  });

  test('no client metadata confirms a deployed sign-up', () => {
    // Act
    const decision = preSignUpDecision({ source: 'PreSignUp_SignUp', attributes, clientMetadata: { autoConfirm: 'true' } }, { autoConfirm: false });

    // Assess
    expect(decision.autoConfirmUser).toBe(false);
  });

  test('only self sign-ups are auto-confirmed', () => {
    // Act
    const decision = preSignUpDecision({ source: 'PreSignUp_AdminCreateUser', attributes }, { autoConfirm: true });

    // Assess
    expect(decision.autoConfirmUser).toBe(false);
  });

  test.each([
    ['an upper-case email', { email: 'Ada@example.com', name: 'Ada' }],
    ['no email', { name: 'Ada' }],
    ['no name', { email: 'ada@example.com' }],
    ['a name over 80 characters', { email: 'ada@example.com', name: 'x'.repeat(81) }],
  ])('a sign-up with %s that bypassed the API is refused', (_case, attrs) => {
    // Act
    const decide = () => preSignUpDecision({ source: 'PreSignUp_SignUp', attributes: attrs }, { autoConfirm: true });

    // Assess
    expect(decide).toThrow(SignUpRefused);
  });
});
