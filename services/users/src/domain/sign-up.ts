// Sign-up and its confirmation, and the rules the Cognito pre-sign-up trigger applies to every sign-up,
// including ones that reach Cognito without this API (the app client is public).
import * as z from 'zod/mini';
import { ConflictError, RateLimitedError, ServiceUnavailableError, ValidationError } from '@photonotes/shared/errors';
import type { ValidationIssue } from '@photonotes/shared/validation';
import { displayName, email, passwordPolicy } from './account-fields';
import type { ConfirmSignUpInput, SignUpInput } from './account-fields';
import { isIdentityFailure } from './identity-provider';
import type { IdentityProvider } from './identity-provider';

export interface SignUpResult {
  userId: string;
  email: string;
  confirmed: boolean;
}

function bodyIssue(path: string, message: string, code: string): ValidationIssue {
  return { location: 'body', path, message, code };
}

/**
 * The input was validated by the route; Cognito can still refuse it (its own password policy, a taken email).
 * Its refusals are told in our words: the provider's message stays in the logged cause.
 */
export async function signUp(input: SignUpInput, deps: { identity: IdentityProvider }): Promise<SignUpResult> {
  try {
    const { userId, confirmed } = await deps.identity.signUp(input);
    return { userId, email: input.email, confirmed };
  } catch (err) {
    if (isIdentityFailure(err, 'username-exists')) throw new ConflictError('An account with this email already exists', undefined, { cause: err });
    if (isIdentityFailure(err, 'invalid-password')) {
      throw new ValidationError('The password does not meet the password policy', [bodyIssue('password', passwordPolicy, 'password_policy')], { cause: err });
    }
    if (isIdentityFailure(err, 'invalid-parameter')) {
      throw new ValidationError('The sign-up was refused: check the email address, password and display name', [bodyIssue('', 'refused by the identity provider', 'invalid_parameter')], {
        cause: err,
      });
    }
    if (isIdentityFailure(err, 'rate-limited')) throw new RateLimitedError('Too many sign-ups; try again later', undefined, { cause: err });
    // A trigger failed: the account may exist without its profile. A retry answers 409, and the first
    // login recreates the profile (see logIn), so the user is never stuck half-registered.
    if (isIdentityFailure(err, 'trigger-failed')) throw new ServiceUnavailableError('Sign-up could not be completed; try again', undefined, { cause: err });
    throw err;
  }
}

export async function confirmSignUp(input: ConfirmSignUpInput, deps: { identity: IdentityProvider }): Promise<void> {
  try {
    await deps.identity.confirmSignUp(input.email, input.code);
  } catch (err) {
    // Unknown email, wrong or expired code, already confirmed: one answer, so it reveals nothing about the account.
    if (isIdentityFailure(err, 'code-mismatch', 'code-expired', 'user-not-found', 'not-authorized')) {
      throw new ValidationError('Invalid or expired confirmation code', [bodyIssue('code', 'invalid or expired', 'invalid_code')], { cause: err });
    }
    if (isIdentityFailure(err, 'rate-limited')) throw new RateLimitedError('Too many attempts; try again later', undefined, { cause: err });
    if (isIdentityFailure(err, 'trigger-failed')) throw new ServiceUnavailableError('Confirmation could not be completed; try again', undefined, { cause: err });
    throw err;
  }
}

export interface PreSignUpRequest {
  /** Cognito's triggerSource: PreSignUp_SignUp, PreSignUp_AdminCreateUser, PreSignUp_ExternalProvider. */
  source: string;
  attributes: Record<string, string | undefined>;
  /** The ClientMetadata of the SignUp call (the API sends none). */
  clientMetadata?: Record<string, string | undefined> | undefined;
}

export interface PreSignUpDecision {
  autoConfirmUser: boolean;
  autoVerifyEmail: boolean;
}

/** Thrown to make Cognito refuse the sign-up. */
export class SignUpRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignUpRefused';
  }
}

/**
 * Refuses a sign-up whose email is not stored normalised (lower-case: one account per address whatever its
 * case) or whose name breaks the profile rules; in the local stage confirms it and verifies the email at once,
 * unless the SignUp call's ClientMetadata says `autoConfirm: 'false'`: such a sign-up stays unconfirmed as it
 * would deployed (how the confirmation flow and the removal of unconfirmed sign-ups are tried locally).
 */
export function preSignUpDecision(request: PreSignUpRequest, options: { autoConfirm: boolean }): PreSignUpDecision {
  const givenEmail = request.attributes.email;
  const normalised = z.safeParse(email, givenEmail);
  if (!normalised.success || normalised.data !== givenEmail) throw new SignUpRefused('email must be a lower-case email address');
  if (!z.safeParse(displayName, request.attributes.name).success) throw new SignUpRefused('name must be 1 to 80 characters');
  const confirm = options.autoConfirm && request.source === 'PreSignUp_SignUp' && request.clientMetadata?.autoConfirm !== 'false';
  return { autoConfirmUser: confirm, autoVerifyEmail: confirm };
}
