// Profiles: created when Cognito confirms a sign-up, read by their owner and (without the email) by
// everyone signed in, edited by their owner with an updatedAt that only moves forward.
import type { Clock } from '@photonotes/shared/clock';
import { NotFoundError, ServiceUnavailableError } from '@photonotes/shared/errors';
import type { ProfileChanges } from './account-fields';
import type { StoredUser, UsersRepository } from './users-store';

export interface OwnProfile {
  userId: string;
  email: string;
  displayName: string;
  bio: string;
  createdAt: string;
  updatedAt: string;
}

export interface PublicProfile {
  userId: string;
  displayName: string;
  bio: string;
  createdAt: string;
}

export interface ProfileDeps {
  users: UsersRepository;
  clock: Clock;
}

export interface SignUpEvents {
  /** Published with an id derived from the user, so consumers deduplicate a replayed confirmation. */
  userSignedUp(userId: string, signedUpAt: string): Promise<void>;
}

export function ownProfile(user: StoredUser): OwnProfile {
  return {
    userId: user.userId,
    email: user.email,
    displayName: user.displayName,
    bio: user.bio,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** Never the email: other users only see what the owner chose to show. */
export function publicProfile(user: StoredUser): PublicProfile {
  return { userId: user.userId, displayName: user.displayName, bio: user.bio, createdAt: user.createdAt };
}

export function newUser(input: { userId: string; email: string; displayName: string }, now: Date): StoredUser {
  const at = now.toISOString();
  return { userId: input.userId, email: input.email, displayName: input.displayName, bio: '', createdAt: at, updatedAt: at, sessionEpoch: 0 };
}

/** For a user whose sign-up carried no name (the pre-sign-up trigger requires one, so only older accounts). */
export function displayNameFromEmail(email: string): string {
  return (email.split('@')[0] ?? '').slice(0, 80) || 'user';
}

export interface ConfirmationRequest {
  /** Cognito's triggerSource: the post-confirmation trigger also fires after a forgotten-password reset. */
  source: string;
  attributes: Record<string, string | undefined>;
}

/**
 * Idempotent: a replayed confirmation neither duplicates nor overwrites the profile, and announces the sign-up
 * again with the same event id (a trigger that failed after creating the profile is retried by Cognito's caller).
 */
export async function createProfileOnConfirmation(request: ConfirmationRequest, deps: ProfileDeps & { events: SignUpEvents }): Promise<void> {
  if (request.source !== 'PostConfirmation_ConfirmSignUp') return;
  const { sub: userId, email, name } = request.attributes;
  if (!userId || !email) throw new Error('Confirmed user without sub or email attribute');
  const normalisedEmail = email.toLowerCase();
  const displayName = name?.trim() || displayNameFromEmail(normalisedEmail);
  const stored = await deps.users.createIfAbsent(newUser({ userId, email: normalisedEmail, displayName }, deps.clock.now()));
  // A deleted account stays deleted and is not announced.
  if (stored) await deps.events.userSignedUp(userId, stored.createdAt);
}

export async function getOwnProfile(userId: string, deps: Pick<ProfileDeps, 'users'>): Promise<OwnProfile> {
  const user = await deps.users.get(userId);
  if (!user) throw new NotFoundError('Profile not found');
  return ownProfile(user);
}

export async function getPublicProfile(userId: string, deps: Pick<ProfileDeps, 'users'>): Promise<PublicProfile> {
  const user = await deps.users.get(userId);
  if (!user) throw new NotFoundError('User not found');
  return publicProfile(user);
}

// Each retry starts after the updatedAt it lost to, so only a storm of concurrent edits exhausts them.
const maxUpdateAttempts = 5;

/** The first instant after `previous` that is not before `now`: clocks of two Lambdas may disagree. */
function nextUpdatedAt(previous: string, now: Date): string {
  const after = Date.parse(previous) + 1;
  return new Date(Math.max(after, now.getTime())).toISOString();
}

/**
 * Writes only the fields given, so two PATCHes of different fields both land; each write is conditional on
 * the stored updatedAt being earlier than its own, so updatedAt grows strictly with every change.
 */
export async function updateOwnProfile(userId: string, changes: ProfileChanges, deps: ProfileDeps): Promise<OwnProfile> {
  if (changes.displayName === undefined && changes.bio === undefined) return getOwnProfile(userId, deps);
  let updatedAt = deps.clock.now().toISOString();
  for (let attempt = 0; attempt < maxUpdateAttempts; attempt += 1) {
    const result = await deps.users.update(userId, changes, updatedAt);
    if (result.status === 'updated') return ownProfile(result.user);
    if (result.status === 'missing') throw new NotFoundError('Profile not found');
    updatedAt = nextUpdatedAt(result.current.updatedAt, deps.clock.now());
  }
  throw new ServiceUnavailableError('The profile is being changed concurrently; try again');
}
