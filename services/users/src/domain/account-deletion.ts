// DELETE /users/me: the account and the profile go at once, and its access tokens are refused within 5 s (the
// revocation list every service's auth chain reads); the other services delete the rest when they receive
// `user.deleted`, and once more when the sweep publishes it again after the refusal took hold everywhere. Every step
// tolerates having run before, so a failed request can simply be repeated.
import type { Clock } from '@photonotes/shared/clock';
import type { IdentityProvider } from './identity-provider';
import type { UsersRepository } from './users-store';

export interface UserEvents {
  /** Published with an id derived from the user, so consumers deduplicate a repeated deletion. */
  userDeleted(userId: string): Promise<void>;
  /** The same event for the sweep, with an id of its own, so nobody takes it for a repeat of the first. */
  userDeletedAgain(userId: string): Promise<void>;
}

/** The revocation list (shared/src/contracts/revocation-list.ts): every service refuses the user's tokens. */
export interface Revocations {
  revoke(userId: string, at: Date): Promise<void>;
}

/**
 * The second sweep: `user.deleted` published again once no request that passed the auth chain before the revocation
 * can still be writing, so whatever such a request created is removed by the same cleanup (an SQS delay queue
 * deployed, the platform's queue emulator locally).
 */
export interface DeletionSweeps {
  schedule(userId: string): Promise<void>;
}

export interface AccountDeletionDeps {
  identity: IdentityProvider;
  users: UsersRepository;
  events: UserEvents;
  revocations: Revocations;
  sweeps: DeletionSweeps;
  clock: Clock;
}

/**
 * Order matters. The login goes first: nobody signs in to a half-deleted account. The sweep is scheduled before
 * anything that may fail after it, and before the revocation, so its delay counts from a moment before the refusal.
 * The event goes before the profile: if publishing fails, the profile is still there and the client's retry (its
 * access token stays valid) publishes again. The tombstone keeps a replayed trigger or a racing login from recreating
 * the profile. The revocation comes last: written before the 204, so the refusal is certain, and only once nothing is
 * left for a retry to finish, since a retry with a revoked token would be refused.
 */
export async function deleteAccount(userId: string, deps: AccountDeletionDeps): Promise<void> {
  await deps.identity.deleteUser(userId);
  await deps.sweeps.schedule(userId);
  await deps.events.userDeleted(userId);
  await deps.users.markDeleted(userId, deps.clock.now());
  await deps.revocations.revoke(userId, deps.clock.now());
}

/** The sweep, when its delay is over: every service's cleanup runs again and removes what slipped in. */
export async function sweepDeletedAccount(userId: string, deps: { events: UserEvents }): Promise<void> {
  await deps.events.userDeletedAgain(userId);
}
