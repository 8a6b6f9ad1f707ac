// The owner's change feed behind GET /sync: one entry per note, its latest upsert or its delete (the
// previous entry goes in the same transaction: the feed is compacted), and a head with the last sequence
// number. Every commit of an owner advances the head under the condition `lastSeq < seq`, so one owner's
// commits are serialised and their numbers grow in commit order: a reader that saw seq N can never later
// find a new entry below N. A commit the head refuses lost to another commit of the same owner (and went
// nowhere); it catches up past that head and goes again (domain/write-attempts.ts), so a burst of one owner's
// writes is serialised here and every write of it lands: contention costs attempts, never the write.
import type { Clock } from '@photonotes/shared/clock';
import type { AttributeMap, TableClient, Transaction } from '@photonotes/shared/dynamodb';
import { toNote } from '../domain/note';
import type { StoredNote } from '../domain/note';
import type { FeedSlice } from '../domain/shared-feed';
import { entities, keys } from './keys';
import { toChange } from './note-items';
import type { ChangeItem } from './note-items';

/** What each item of a notes transaction is, so a failed condition says which part of the write failed. */
export type CommitTag = 'note' | 'tombstone' | 'media' | 'head';
export type NotesTransaction = Transaction<CommitTag>;

/** The most entries one run of an account's clean-up reads (a retried run resumes: it deletes what it read). */
export const accountItemsPerRun = 50_000;

export function changeFeed(table: TableClient, clock: Clock) {
  // Sequence numbers are microseconds; within one process they never repeat, across processes the head decides.
  let lastIssued = 0;
  const feedRange = (ownerId: string, after: number) => {
    const range = keys.feedRangeAfter(after);
    return { keyCondition: 'pk = :pk AND sk BETWEEN :from AND :to', values: { ':pk': keys.feedPartition(ownerId), ':from': range.from, ':to': range.to } };
  };

  return {
    /** The number of the next commit: above `atLeast`, and above every number this process issued or saw taken. */
    nextSeq(atLeast = 0): number {
      return (lastIssued = Math.max(clock.now().getTime() * 1000, lastIssued + 1, atLeast));
    },

    /** After the head refused a number: goes past the head it returned (read when an emulator returns none). */
    async catchUp(ownerId: string, head: AttributeMap | undefined): Promise<void> {
      const stored = head ?? (await table.getItem<AttributeMap>(keys.feedHead(ownerId), { consistentRead: true, projection: 'lastSeq' }));
      lastIssued = Math.max(lastIssued, Number(stored?.lastSeq ?? 0));
    },

    recordUpsert(tx: NotesTransaction, note: StoredNote, seq: number): void {
      tx.put({ ...keys.feedChange(note.ownerId, seq), entity: entities.feedChange, ownerId: note.ownerId, seq, op: 'upsert', noteId: note.id, note: toNote(note) });
    },

    recordDelete(tx: NotesTransaction, note: StoredNote, seq: number, deletedAt: string): void {
      tx.put({ ...keys.feedChange(note.ownerId, seq), entity: entities.feedChange, ownerId: note.ownerId, seq, op: 'delete', noteId: note.id, deletedAt });
    },

    /** Compaction: the note's previous entry goes when its new one is written (or when the note goes for good). */
    dropEntryOf(tx: NotesTransaction, note: StoredNote): void {
      if (note.changeSeq !== undefined) tx.delete(keys.feedChange(note.ownerId, note.changeSeq));
    },

    advanceHead(tx: NotesTransaction, ownerId: string, seq: number): void {
      tx.update(keys.feedHead(ownerId), 'SET entity = :headEntity, ownerId = :owner, lastSeq = :seq', {
        tag: 'head',
        condition: 'attribute_not_exists(lastSeq) OR lastSeq < :seq',
        values: { ':headEntity': entities.feedHead, ':owner': ownerId, ':seq': seq },
      });
    },

    /** The owner's entries after `after`, in order, at most `limit` (GET /sync reads them: adapters/sync-reader.ts). */
    async sliceAfter(ownerId: string, after: number, limit: number): Promise<FeedSlice> {
      // Strongly consistent: an entry committed before this read is in it, so no later page can skip it.
      return readSlice(table, feedRange(ownerId, after), limit);
    },

    /** The owner's live notes: every note has exactly one entry, so none is missed. */
    async *ownNoteIds(ownerId: string): AsyncGenerator<string> {
      const entries = table.queryAll<Pick<ChangeItem, 'noteId' | 'op'>>({ ...feedRange(ownerId, 0), projection: 'noteId, op', consistentRead: true, maxItems: accountItemsPerRun });
      for await (const entry of entries) {
        if (entry.op === 'upsert') yield String(entry.noteId);
      }
    },

    /**
     * Deletes the owner's feed (head included) and the tombstones of the notes it records as deleted, but never the
     * entry of a live note: a note created while the account's notes were being removed (a request that passed the
     * auth chain just before the revocation) keeps its entry, so the deletion's second sweep finds it through
     * ownNoteIds. Once the notes are gone (their entries go with them), nothing but deletes and the head is left.
     */
    async purge(ownerId: string): Promise<void> {
      const entries = table.queryAll<{ pk: string; sk: string; op?: string; noteId?: string }>({
        keyCondition: 'pk = :pk',
        values: { ':pk': keys.feedPartition(ownerId) },
        projection: 'pk, sk, op, noteId',
        consistentRead: true,
        maxItems: accountItemsPerRun,
      });
      await table.deleteAll(feedKeys(entries));
    },
  };
}

async function* feedKeys(entries: AsyncIterable<{ pk: string; sk: string; op?: string; noteId?: string }>): AsyncGenerator<AttributeMap> {
  for await (const entry of entries) {
    if (entry.op === 'upsert') continue;
    yield { pk: entry.pk, sk: entry.sk };
    if (entry.op === 'delete') yield keys.tombstone(String(entry.noteId));
  }
}

export type ChangeFeed = ReturnType<typeof changeFeed>;

/**
 * One page of a feed partition: a strongly consistent Query of one more entry than the page, which tells whether
 * another page follows (as does a Query that DynamoDB cut at 1 MB).
 */
export async function readSlice(table: TableClient, range: { keyCondition: string; values: AttributeMap }, limit: number): Promise<FeedSlice> {
  const out = await table.query<ChangeItem>({ ...range, consistentRead: true, limit: limit + 1 });
  const page = out.items.slice(0, limit);
  return { entries: page.map((item) => ({ seq: item.seq, change: toChange(item) })), hasMore: out.items.length > limit || (out.hasMore && page.length > 0) };
}
