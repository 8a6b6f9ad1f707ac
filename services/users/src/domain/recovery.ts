// Account recovery: a reset code sent by email (POST /auth/forgot), then a new password set with it
// (POST /auth/reset). The identity provider keeps the codes; nothing here tells a caller whether an address has
// an account, and no provider error text reaches the caller.
import type { Clock } from '@photonotes/shared/clock';
import { RateLimitedError, ServiceUnavailableError, ValidationError } from '@photonotes/shared/errors';
import type { Logger } from '@photonotes/shared/log';
import type { ValidationIssue } from '@photonotes/shared/validation';
import { passwordPolicy } from './account-fields';
import { isIdentityFailure } from './identity-provider';
import type { IdentityProvider } from './identity-provider';
import type { UsersRepository } from './users-store';

/**
 * POST /auth/forgot answers no sooner than this after the request arrived, whether a code was sent or not, so its
 * timing does not tell a known address from an unknown one (sending a code takes longer than finding no account).
 */
export const forgotPasswordMinimumMs = 400;

/** Cognito counts failed codes per account; its lock-out lasts minutes, so the app is told to wait that long. */
export const resetRetryAfterSeconds = 300;

export interface ForgotPasswordDeps {
  identity: IdentityProvider;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  log: Logger;
}

export interface ResetPasswordInput {
  email: string;
  code: string;
  newPassword: string;
}

function bodyIssue(path: string, message: string, code: string): ValidationIssue {
  return { location: 'body', path, message, code };
}

/**
 * Always resolves (the route answers 202): an unknown address, an unconfirmed account or an account the provider
 * will not send to right now all look like a sent code. Only a failure that has nothing to do with the account
 * (the provider unreachable, a bug) is thrown, and it would be thrown for any address alike.
 */
export async function requestPasswordReset(email: string, deps: ForgotPasswordDeps): Promise<void> {
  const startedAt = deps.clock.now().getTime();
  try {
    await deps.identity.forgotPassword(email);
  } catch (err) {
    // 'rate-limited' too: Cognito limits codes per account, so a 429 would tell that the account exists.
    if (!isIdentityFailure(err, 'user-not-found', 'not-authorized', 'not-confirmed', 'invalid-parameter', 'rate-limited')) throw err;
    deps.log.info('No reset code sent', { reason: err.reason });
  }
  const remaining = forgotPasswordMinimumMs - (deps.clock.now().getTime() - startedAt);
  if (remaining > 0) await deps.sleep(remaining);
}

/**
 * Sets the new password. Every refresh token of the user is revoked by the provider's confirmation trigger
 * (revokeSessionsAfterReset), which runs inside this very call, however it reached the provider.
 */
export async function resetPassword(input: ResetPasswordInput, deps: { identity: IdentityProvider }): Promise<void> {
  try {
    await deps.identity.confirmForgotPassword(input);
  } catch (err) {
    // Unknown email, wrong, used or expired code: one answer, so it reveals nothing about the account.
    if (isIdentityFailure(err, 'code-mismatch', 'code-expired', 'user-not-found', 'not-authorized')) {
      throw new ValidationError('Invalid or expired reset code', [bodyIssue('code', 'invalid or expired', 'invalid_code')], { cause: err });
    }
    if (isIdentityFailure(err, 'invalid-password')) {
      throw new ValidationError('The new password does not meet the password policy', [bodyIssue('newPassword', passwordPolicy, 'password_policy')], { cause: err });
    }
    if (isIdentityFailure(err, 'invalid-parameter')) throw new ValidationError('Request validation failed', [bodyIssue('', 'invalid request', 'invalid_parameter')], { cause: err });
    if (isIdentityFailure(err, 'rate-limited')) {
      throw new RateLimitedError('Too many attempts; try again later', undefined, { cause: err, retryAfterSeconds: resetRetryAfterSeconds });
    }
    if (isIdentityFailure(err, 'trigger-failed')) throw new ServiceUnavailableError('The password reset could not be completed; try again', undefined, { cause: err });
    throw err;
  }
}

export interface ConfirmationTrigger {
  /** Cognito's triggerSource: PostConfirmation_ConfirmSignUp or PostConfirmation_ConfirmForgotPassword. */
  source: string;
  attributes: Record<string, string | undefined>;
}

/** PostConfirmation_ConfirmForgotPassword: after a reset every refresh token of the user stops working (API.md). */
export async function revokeSessionsAfterReset(request: ConfirmationTrigger, deps: { users: Pick<UsersRepository, 'bumpSessionEpoch'> }): Promise<void> {
  if (request.source !== 'PostConfirmation_ConfirmForgotPassword') return;
  const userId = request.attributes.sub;
  if (!userId) throw new Error('Password reset of a user without a sub attribute');
  await deps.users.bumpSessionEpoch(userId);
}
