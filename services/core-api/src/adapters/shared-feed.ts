// Each user's shared feed (domain/shared-feed.ts says what it is and why it is built this way): in the partition
// SFEED#<userId>, a head with the last sequence number, one entry per note (CHANGE#<seq>, its latest upsert or its
// delete) and, per note, which entry that is and which version of the note it shows (NOTE#<noteId>).
//
// One change for one user is ONE transaction of at most 4 items: the note's position (conditional on being the
// one read, so two writers of the same note cannot both replace it), the new entry, the delete of the previous
// one (compaction) and the head, advanced under `lastSeq < seq` and only while the feed is open. The head makes
// the numbers of one feed grow in commit order (the argument of adapters/note-feed.ts, which this repeats for the
// shared feed); a commit the head refuses lost to another commit of the same feed and goes again past it.
import type { Clock } from '@photonotes/shared/clock';
import { ConditionFailedError, TransactionConflictError } from '@photonotes/shared/dynamodb';
import type { AttributeMap, TableClient } from '@photonotes/shared/dynamodb';
import { WriteConflictError } from '../domain/ports';
import type { FeedSlice, FeedVersion, RecordOutcome, ShareeChange } from '../domain/shared-feed';
import { supersedesEntry } from '../domain/shared-feed';
import { entities, keys } from './keys';
import { accountItemsPerRun, readSlice } from './note-feed';

/** How long a deleted account's closed shared feed head is kept: longer than any note change can still arrive (stream retention 24 h). */
export const closedFeedDays = 30;

type SharedTag = 'position' | 'head';

interface PositionItem extends FeedVersion {
  seq: number;
}

export function sharedFeed(table: TableClient, clock: Clock) {
  // Microseconds like the owners' feeds; within one process never repeated, across processes the head decides.
  let lastIssued = 0;
  const nextSeq = (atLeast: number) => (lastIssued = Math.max(clock.now().getTime() * 1000, lastIssued + 1, atLeast));
  const range = (userId: string, after: number) => {
    const bounds = keys.feedRangeAfter(after);
    return { keyCondition: 'pk = :pk AND sk BETWEEN :from AND :to', values: { ':pk': keys.sharedPartition(userId), ':from': bounds.from, ':to': bounds.to } };
  };

  return {
    /**
     * Tries once. A race lost to another writer of this feed (head) or of this note's entry (position) is a
     * WriteConflictError: reading again and retrying is safe (domain/shared-feed.ts retries).
     */
    async record(change: ShareeChange): Promise<RecordOutcome> {
      const positionKey = keys.sharedNote(change.userId, change.noteId);
      const position = await table.getItem<PositionItem>(positionKey, { consistentRead: true, projection: 'seq, version, deleted' });
      if (!supersedesEntry(change, position)) return 'stale';
      // Above the entry it replaces too: another process's clock may have issued that one.
      const seq = nextSeq((position?.seq ?? 0) + 1);
      const tx = table.transaction<SharedTag>();
      tx.put(
        { ...positionKey, entity: entities.sharedNote, userId: change.userId, noteId: change.noteId, seq, version: change.version, deleted: change.deleted },
        position ? { tag: 'position', condition: 'seq = :previousSeq', values: { ':previousSeq': position.seq } } : { tag: 'position', condition: 'attribute_not_exists(pk)' },
      );
      tx.put({ ...keys.sharedChange(change.userId, seq), entity: entities.sharedChange, userId: change.userId, seq, noteId: change.noteId, ...entryFields(change) });
      if (position) tx.delete(keys.sharedChange(change.userId, position.seq));
      tx.update(keys.sharedHead(change.userId), 'SET entity = :headEntity, userId = :user, lastSeq = :seq', {
        tag: 'head',
        condition: 'attribute_not_exists(closedAt) AND (attribute_not_exists(lastSeq) OR lastSeq < :seq)',
        values: { ':headEntity': entities.sharedHead, ':user': change.userId, ':seq': seq },
      });
      try {
        await tx.commit();
        return 'recorded';
      } catch (err) {
        if (err instanceof TransactionConflictError) throw new WriteConflictError({ cause: err });
        if (!(err instanceof ConditionFailedError)) throw err;
        const head = err.failures.find((failure) => failure.tag === 'head');
        if (head) {
          const stored = head.item ?? (await table.getItem<AttributeMap>(keys.sharedHead(change.userId), { consistentRead: true, projection: 'lastSeq, closedAt' }));
          if (stored?.closedAt !== undefined) return 'closed';
          lastIssued = Math.max(lastIssued, Number(stored?.lastSeq ?? 0));
        }
        throw new WriteConflictError({ cause: err });
      }
    },

    /** The user's entries after `after`, in order, at most `limit`; strongly consistent. */
    async sliceAfter(userId: string, after: number, limit: number): Promise<FeedSlice> {
      return readSlice(table, range(userId, after), limit);
    },

    /**
     * The account is gone: closes its shared feed first (no entry is written after that), then deletes every entry
     * and position. An entry committed before the close is seen by this strongly consistent read; one after it was
     * refused. The closed head expires by TTL. Safe to run again.
     */
    async purge(userId: string): Promise<void> {
      const now = clock.now();
      await table.updateItem({
        key: keys.sharedHead(userId),
        update: 'SET entity = :headEntity, userId = :user, closedAt = if_not_exists(closedAt, :now), expiresAt = :expiresAt',
        values: { ':headEntity': entities.sharedHead, ':user': userId, ':now': now.toISOString(), ':expiresAt': Math.floor(now.getTime() / 1000) + closedFeedDays * 24 * 3600 },
      });
      const items = table.queryAll<{ pk: string; sk: string }>({
        keyCondition: 'pk = :pk',
        values: { ':pk': keys.sharedPartition(userId) },
        projection: 'pk, sk',
        consistentRead: true,
        maxItems: accountItemsPerRun,
      });
      await table.deleteAll(itemKeys(items));
    },
  };
}

export type SharedFeed = ReturnType<typeof sharedFeed>;

function entryFields(change: ShareeChange): AttributeMap {
  return change.change.op === 'upsert' ? { op: 'upsert', note: change.change.note } : { op: 'delete', deletedAt: change.change.deletedAt };
}

async function* itemKeys(items: AsyncIterable<{ pk: string; sk: string }>): AsyncGenerator<AttributeMap> {
  const head = keys.sharedHead('').sk;
  for await (const item of items) if (item.sk !== head) yield { pk: item.pk, sk: item.sk };
}
