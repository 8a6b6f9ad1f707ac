// Login, refresh and logout. Revocation does not rely on the identity provider alone: every refresh token
// issued by /auth/login is recorded with the user's session epoch, logout bumps the epoch, and /auth/refresh
// refuses a token that is unknown or from an older epoch. Cognito's GlobalSignOut adds to that where it exists.
import type { Clock } from '@photonotes/shared/clock';
import { ForbiddenError, RateLimitedError, ServiceUnavailableError, UnauthorizedError, ValidationError } from '@photonotes/shared/errors';
import type { Logger } from '@photonotes/shared/log';
import type { LogInInput } from './account-fields';
import { isIdentityFailure } from './identity-provider';
import type { IdentityProvider, IssuedTokens } from './identity-provider';
import { displayNameFromEmail, newUser } from './profile';
import type { SignUpEvents } from './profile';
import type { SessionsRepository, UsersRepository } from './users-store';

/** Keep in step with the app client's RefreshTokenValidity (serverless.yml): a record must outlive its token. */
export const refreshTokenValidityDays = 30;

export interface SessionDeps {
  identity: IdentityProvider;
  users: UsersRepository;
  sessions: SessionsRepository;
  clock: Clock;
}

export interface LoginResult extends IssuedTokens {
  refreshToken: string;
  tokenType: 'Bearer';
}

export interface RefreshResult extends IssuedTokens {
  tokenType: 'Bearer';
}

/** The same answer for an unknown email and a wrong password, so a login reveals no account. */
function invalidCredentials(cause?: unknown): UnauthorizedError {
  return new UnauthorizedError('Incorrect email or password', undefined, cause === undefined ? undefined : { cause });
}

function revokedRefreshToken(reason: string, cause?: unknown): UnauthorizedError {
  return new UnauthorizedError('Invalid or revoked refresh token', undefined, { cause: cause ?? new Error(reason) });
}

/** Login also announces a sign-up whose profile it had to recreate (see below). */
export interface LogInDeps extends SessionDeps {
  signUps: SignUpEvents;
}

export async function logIn(input: LogInInput, deps: LogInDeps): Promise<LoginResult> {
  let signedIn;
  try {
    signedIn = await deps.identity.logIn(input.email, input.password);
  } catch (err) {
    // Unknown user and wrong password take the same path: one provider call, then this one error.
    if (isIdentityFailure(err, 'not-authorized', 'user-not-found', 'invalid-password')) throw invalidCredentials(err);
    if (isIdentityFailure(err, 'not-confirmed')) throw new ForbiddenError('Confirm your email address first', undefined, { cause: err });
    if (isIdentityFailure(err, 'rate-limited')) throw new RateLimitedError('Too many login attempts; try again later', undefined, { cause: err });
    throw err;
  }
  const { userId, tokens } = signedIn;
  // Normally the confirmation trigger wrote the profile. Cognito confirms a user even when that trigger
  // fails, so a missing profile is recreated here rather than leaving the account without one, and the sign-up
  // the trigger did not announce is announced (the same event id as the trigger's: a repeat to those who had it).
  // Stored lower-case, as the confirmation trigger stores it: GET /users?email= finds profiles by that form.
  const email = (signedIn.email ?? input.email).toLowerCase();
  let user = await deps.users.get(userId);
  if (!user) {
    user = await deps.users.createIfAbsent(newUser({ userId, email, displayName: signedIn.displayName ?? displayNameFromEmail(email) }, deps.clock.now()));
    if (user) await deps.signUps.userSignedUp(userId, user.createdAt);
  }
  // Deleted while this login was in flight.
  if (!user) throw invalidCredentials();
  const expiresAt = new Date(deps.clock.now().getTime() + refreshTokenValidityDays * 86_400_000);
  await deps.sessions.record(tokens.refreshToken, { userId, sessionEpoch: user.sessionEpoch }, expiresAt);
  return { ...tokens, tokenType: 'Bearer' };
}

export async function refreshSession(refreshToken: string, deps: SessionDeps): Promise<RefreshResult> {
  const session = await deps.sessions.find(refreshToken, deps.clock.now());
  if (!session) throw revokedRefreshToken('not issued by /auth/login, or expired');
  const user = await deps.users.get(session.userId);
  if (!user) throw revokedRefreshToken('account deleted');
  if (user.sessionEpoch !== session.sessionEpoch) throw revokedRefreshToken('revoked by a logout');
  let refreshed;
  try {
    refreshed = await deps.identity.refresh(refreshToken);
  } catch (err) {
    if (isIdentityFailure(err, 'not-authorized', 'user-not-found')) throw revokedRefreshToken('refused by the identity provider', err);
    if (isIdentityFailure(err, 'rate-limited')) throw new RateLimitedError('Too many refreshes; try again later', undefined, { cause: err });
    throw err;
  }
  if (refreshed.userId !== session.userId) throw revokedRefreshToken('issued for another user');
  return { ...refreshed.tokens, tokenType: 'Bearer' };
}

/**
 * A refresh token the caller hands in is revoked at the provider first, so it cannot be used against Cognito
 * directly: if that fails the logout fails (503) before anything changed, and the app retries with the same,
 * still valid, access token. Then the epoch is bumped: from then on every refresh token of the user is refused
 * here, whatever the provider does. A failing GlobalSignOut is logged, not returned: the logout already holds.
 */
export async function logOut(
  request: { userId: string; accessToken: string; refreshToken?: string | undefined },
  deps: SessionDeps & { log: Logger },
): Promise<void> {
  if (request.refreshToken !== undefined) await revokeAtProvider(request.refreshToken, deps);
  await deps.users.bumpSessionEpoch(request.userId);
  try {
    await deps.identity.signOutEverywhere(request.accessToken);
  } catch (err) {
    deps.log.warn('Provider sign-out failed; refresh tokens are revoked by the session epoch', { err });
  }
}

async function revokeAtProvider(refreshToken: string, deps: SessionDeps): Promise<void> {
  try {
    await deps.identity.revokeRefreshToken(refreshToken);
  } catch (err) {
    // Unknown to the provider (already revoked, expired, never issued): it cannot be used there either.
    if (isIdentityFailure(err, 'not-authorized')) return;
    if (isIdentityFailure(err, 'invalid-parameter')) {
      throw new ValidationError('Request validation failed', [{ location: 'body', path: 'refreshToken', message: 'is not a refresh token', code: 'invalid_token' }], { cause: err });
    }
    throw new ServiceUnavailableError('The refresh token could not be revoked; try again', undefined, { cause: err });
  }
}
