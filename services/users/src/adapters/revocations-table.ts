// The revocations table behind the domain's Revocations: one entry per deleted account, in the layout every reader
// shares (shared/src/contracts/revocation-list.ts); TABLES.md describes the table.
import { revocationItem } from '@photonotes/shared/contracts/revocation-list';
import type { TableClient } from '@photonotes/shared/dynamodb';
import type { Revocations } from '../domain/account-deletion';

export function revocationsRepository(table: TableClient): Revocations {
  return {
    async revoke(userId, at) {
      // A repeated deletion writes a second entry (a later time): readers keep the user once.
      await table.putItem(revocationItem(userId, at));
    },
  };
}
