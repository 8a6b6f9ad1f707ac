// In-memory KnownUsers with the DynamoDB adapter's rules (a deletion is final), counting its look-ups and the
// ids each one asked about, so tests can tell what was checked and how often.
import type { KnownUsers } from '../../../src/domain/known-users';

export class FakeKnownUsers implements KnownUsers {
  readonly known = new Map<string, { signedUpAt: string } | { deletedAt: string }>();
  /** The ids of every unknownAmong call, in order. */
  readonly lookups: string[][] = [];

  constructor(userIds: Iterable<string> = []) {
    for (const userId of userIds) this.known.set(userId, { signedUpAt: '2026-11-01T00:00:00.000Z' });
  }

  async unknownAmong(userIds: readonly string[]): Promise<string[]> {
    const ids = [...new Set(userIds)];
    if (ids.length > 100) throw new Error('more keys than one BatchGetItem takes');
    this.lookups.push(ids);
    return ids.filter((userId) => {
      const entry = this.known.get(userId);
      return !entry || 'deletedAt' in entry;
    });
  }

  async recordSignedUp(userId: string, signedUpAt: string): Promise<boolean> {
    if (this.known.has(userId)) return false;
    this.known.set(userId, { signedUpAt });
    return true;
  }

  async recordDeleted(userId: string, deletedAt: string): Promise<void> {
    this.known.set(userId, { deletedAt });
  }
}
