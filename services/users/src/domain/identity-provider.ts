// The identity provider (Cognito) as the domain sees it. Failures arrive as IdentityProviderError with a
// reason, so the domain decides what the caller is told; adapters/cognito-identity-provider.ts maps AWS errors.

export interface IssuedTokens {
  accessToken: string;
  idToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface SignedIn {
  userId: string;
  /** From the id token, for recreating a profile that a failed confirmation trigger did not write. */
  email: string | null;
  displayName: string | null;
  tokens: IssuedTokens & { refreshToken: string };
}

export interface IdentityProvider {
  signUp(input: { email: string; password: string; displayName: string }): Promise<{ userId: string; confirmed: boolean }>;
  confirmSignUp(email: string, code: string): Promise<void>;
  logIn(email: string, password: string): Promise<SignedIn>;
  refresh(refreshToken: string): Promise<{ userId: string; tokens: IssuedTokens }>;
  /** Revokes the user's tokens at the provider, where it supports that. */
  signOutEverywhere(accessToken: string): Promise<void>;
  /** Revokes one refresh token at the provider (and the access tokens issued from it). */
  revokeRefreshToken(refreshToken: string): Promise<void>;
  /** Sends a password-reset code to the account's email. */
  forgotPassword(email: string): Promise<void>;
  /** Sets a new password with the code that forgotPassword sent. */
  confirmForgotPassword(input: { email: string; code: string; newPassword: string }): Promise<void>;
  /** Resolves 'not-found' when the user is already gone. */
  deleteUser(userId: string): Promise<'deleted' | 'not-found'>;
}

export type IdentityFailure =
  | 'username-exists'
  | 'invalid-password'
  | 'invalid-parameter'
  | 'not-authorized'
  | 'user-not-found'
  | 'not-confirmed'
  | 'code-mismatch'
  | 'code-expired'
  | 'trigger-failed'
  | 'rate-limited';

export class IdentityProviderError extends Error {
  readonly reason: IdentityFailure;

  constructor(reason: IdentityFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IdentityProviderError';
    this.reason = reason;
  }
}

export function isIdentityFailure(err: unknown, ...reasons: IdentityFailure[]): err is IdentityProviderError {
  return err instanceof IdentityProviderError && reasons.includes(err.reason);
}
