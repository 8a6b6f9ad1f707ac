// What the domain needs from storage: the user records (profile plus session epoch) and the refresh
// tokens issued through /auth/login. The DynamoDB implementation is adapters/users-table.ts.
import type { ProfileChanges } from './account-fields';

export interface StoredUser {
  userId: string;
  /** Lower-case. */
  email: string;
  displayName: string;
  bio: string;
  createdAt: string;
  updatedAt: string;
  /** Grows by one on every logout; refresh tokens recorded under an older epoch are revoked. */
  sessionEpoch: number;
}

export type ProfileUpdate =
  | { status: 'updated'; user: StoredUser }
  /** The stored updatedAt is not before the one asked for: retry later than `current.updatedAt`. */
  | { status: 'stale'; current: StoredUser }
  | { status: 'missing' };

export interface UsersRepository {
  /** Strongly consistent; undefined when there is no user or the account was deleted. */
  get(userId: string): Promise<StoredUser | undefined>;
  /** Never overwrites: returns the user as stored afterwards, or undefined when the account was deleted. */
  createIfAbsent(user: StoredUser): Promise<StoredUser | undefined>;
  /** Applies `changes` only if the user exists and its updatedAt is before `updatedAt`. */
  update(userId: string, changes: ProfileChanges, updatedAt: string): Promise<ProfileUpdate>;
  /** Revokes every refresh token recorded so far; nothing happens for an unknown or deleted user. */
  bumpSessionEpoch(userId: string): Promise<void>;
  /** Replaces the user by a tombstone without personal data, so nothing can recreate the profile. */
  markDeleted(userId: string, deletedAt: Date): Promise<void>;
}

export interface SessionRecord {
  userId: string;
  sessionEpoch: number;
}

export interface SessionsRepository {
  record(refreshToken: string, session: SessionRecord, expiresAt: Date): Promise<void>;
  /** undefined for a token that was never recorded or whose record expired. */
  find(refreshToken: string, now: Date): Promise<SessionRecord | undefined>;
}
