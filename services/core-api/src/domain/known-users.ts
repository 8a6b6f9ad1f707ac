// Who may be added to a note's sharedWith: an existing user. core-api learns which user ids exist from
// user-events (user.signed_up, user.deleted) and keeps that projection in its own table; the rules here decide
// which ids of a write must be checked against it, and what a client is told about the ones that fail.
import { ValidationError } from '@photonotes/shared/errors';
import type { ValidationIssue } from '@photonotes/shared/validation';

/** The projection: which user ids exist (adapters/known-users.ts over the notes table; an in-memory fake in tests). */
export interface KnownUsers {
  /**
   * Those of `userIds` (at most 50: API.md's sharedWith limit, one BatchGetItem) that are not an existing user:
   * never announced, or deleted. Strongly consistent, so a sign-up already projected is never missed.
   */
  unknownAmong(userIds: readonly string[]): Promise<string[]>;
  /** Records a sign-up; false when the id was known already or is deleted (a deletion is final). */
  recordSignedUp(userId: string, signedUpAt: string): Promise<boolean>;
  /** From now on the id is unknown, whatever sign-up event comes later (SNS does not keep order). */
  recordDeleted(userId: string, deletedAt: string): Promise<void>;
}

/** An unknown id in the body's sharedWith, named by its value and its place in the request. */
export interface UnknownShareeIssue extends ValidationIssue {
  value: string;
}

/** The ids of `next` that `previous` did not have: the only ones a write checks (API.md: ids on the note are not re-checked). */
export function addedSharees(next: readonly string[], previous: readonly string[]): string[] {
  const before = new Set(previous);
  return next.filter((userId) => !before.has(userId));
}

/**
 * Throws the 400 that names every unknown id among `added`; `requested` is sharedWith as the client sent it, so
 * each issue points at the client's own index.
 */
export async function assertKnownSharees(added: readonly string[], requested: readonly string[], users: KnownUsers): Promise<void> {
  if (added.length === 0) return;
  const unknown = new Set(await users.unknownAmong(added));
  if (unknown.size === 0) return;
  throw unknownSharees(requested, unknown);
}

export function unknownSharees(requested: readonly string[], unknown: ReadonlySet<string>): ValidationError {
  const details: UnknownShareeIssue[] = [];
  const named = new Set<string>();
  requested.forEach((userId, index) => {
    if (!unknown.has(userId) || named.has(userId)) return;
    named.add(userId);
    details.push({ location: 'body', path: `sharedWith.${index}`, message: `no user has the id ${userId}`, code: 'unknown_user', value: userId });
  });
  return new ValidationError('sharedWith names users that do not exist', details);
}
