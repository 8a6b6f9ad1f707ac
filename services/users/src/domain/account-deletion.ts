// DELETE /users/me: the account and the profile go at once; the other services delete the rest when they
// receive `user.deleted`. Every step tolerates having run before, so a failed request can simply be repeated.
import type { Clock } from '@photonotes/shared/clock';
import type { IdentityProvider } from './identity-provider';
import type { UsersRepository } from './users-store';

export interface UserEvents {
  /** Published with an id derived from the user, so consumers deduplicate a repeated deletion. */
  userDeleted(userId: string): Promise<void>;
}

export interface AccountDeletionDeps {
  identity: IdentityProvider;
  users: UsersRepository;
  events: UserEvents;
  clock: Clock;
}

/**
 * Order matters. The login goes first: nobody signs in to a half-deleted account. The event goes before the
 * profile: if publishing fails, the profile is still there and the client's retry (its access token stays
 * valid) publishes again. The tombstone comes last and keeps a replayed trigger or a racing login from
 * recreating the profile.
 */
export async function deleteAccount(userId: string, deps: AccountDeletionDeps): Promise<void> {
  await deps.identity.deleteUser(userId);
  await deps.events.userDeleted(userId);
  await deps.users.markDeleted(userId, deps.clock.now());
}
