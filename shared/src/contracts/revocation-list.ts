// The revocation list: accounts whose access tokens must be refused before they expire (deleted accounts). The users
// service owns and writes it (its revocations table, services/users/TABLES.md); every service's auth chain reads it
// (shared/src/revocations.ts), the one table others may read (ARCHITECTURE.md v2: part of the users service's published
// auth surface, like its JWKS). This module is the table's layout, defined once for the writer and every reader.
//
// Every entry sits in one partition, sorted by when it was written, so a reader catches up with one Query of the
// entries after the last time it looked. Entries are few (one per deleted account) and matter only while a token
// issued before the deletion can still be valid, so they expire.

/** The one partition key: the list is read as a whole. */
export const revocationPartition = 'REVOKED';

/**
 * How long an entry matters, and how far back a reader with an empty cache reads: an access token lives 60 minutes
 * (`AccessTokenValidity` of services/users/serverless.yml, checked against this by a unit test), plus the same again as
 * margin. A deleted account gets no new tokens, so after that its entry refuses nothing.
 */
export const revocationRetentionMs = 2 * 60 * 60_000;

/** What a reader needs of an entry. */
export interface RevocationEntry {
  userId: string;
  /** ISO-8601 UTC, the writer's clock. */
  revokedAt: string;
}

/** An entry as stored. `sk` sorts by time and is unique per (time, user); `expiresAt` is the table's TTL (epoch s). */
export interface RevocationItem extends RevocationEntry {
  pk: typeof revocationPartition;
  sk: string;
  expiresAt: number;
}

export function revocationItem(userId: string, revokedAt: Date): RevocationItem {
  const at = revokedAt.toISOString();
  return {
    pk: revocationPartition,
    sk: `${at}#${userId}`,
    userId,
    revokedAt: at,
    expiresAt: Math.ceil((revokedAt.getTime() + revocationRetentionMs) / 1000),
  };
}

/** The sort key every entry written at or after `since` is greater than (`sk > :since`). */
export function revocationSortKeyFrom(since: Date): string {
  return since.toISOString();
}
