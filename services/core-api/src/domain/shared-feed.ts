// The shared feed behind GET /sync?scope=shared|all: per user, the notes other owners share with them, one entry
// per note (its latest state, or a delete once the note is deleted or unshared from the user), in the user's own
// order. It is built from the notes table's stream by publishNoteEvents, before the note.changed of the same
// change is published (functions/publish-note-events.ts), not in the owner's write transaction:
//
// - Bounded writes, and the owner's write path unchanged. A change touches each sharee's feed (at most 50 sharees
//   on each side of the change: ≤ 100 feeds when a list of 50 is replaced by another 50), one small transaction
//   per feed (adapters/shared-feed.ts: the entry, the previous entry's delete, the note's position, the head).
//   In the owner's transaction that would be 4 items per sharee beside the note's own (over the 100-item limit),
//   and every share would contend with every other owner's writes on the sharee's head.
//
// - Ordering. Each user's shared feed has its own head, and an entry's sequence number is taken when the entry is
//   written, under the condition that it is above the head (as the owner's feed, adapters/note-feed.ts). So the
//   numbers of one feed grow in the order its entries commit, and a strongly consistent read after a cursor sees
//   every entry committed before it: an entry committed later, however late its note change is processed, gets a
//   number above every cursor already handed out. Being asynchronous costs freshness (the entry lands about a
//   second after the owner's write, with the note.changed that announces it), never a skipped change.
//
// - Out of order and repeated stream records. Each entry records which version of the note it shows (and whether
//   it is a delete); a change is written to a user's feed only when it supersedes that (a higher version, or the
//   delete of the same version). Every stream record carries the note's whole state at its version (who it is
//   shared with after and before), so the latest version alone decides what the user's entry must be, whatever
//   order the records are handled in: a stale record changes nothing and a repeat is recognised.
//
// - Deleted accounts. The owner's account: its notes are removed, and each removal reaches the sharees as a delete
//   (no content of the note stays in their feeds). The sharee's account: the account's clean-up closes the feed
//   (the head gets `closedAt`, and every entry write is conditional on the head not being closed), then deletes
//   its entries; a change processed later finds the feed closed and writes nothing. The closed head expires.
import type { NoteImage, NoteStreamChange } from '@photonotes/shared/contracts/notes-stream';
import type { Clock } from '@photonotes/shared/clock';
import { toNote } from './note';
import { WriteConflictError } from './ports';
import type { Change } from './ports';
import { writeAttempts } from './write-attempts';

/** What one change of a note means for one user it is (or was) shared with. */
export interface ShareeChange {
  userId: string;
  noteId: string;
  /** The note's version after the change (a deletion: the version it deleted). */
  version: number;
  /** True for a delete: the note was deleted, or unshared from the user. */
  deleted: boolean;
  change: Change;
}

/** The version of a note a user's feed shows, as ShareeChange describes it. */
export type FeedVersion = Pick<ShareeChange, 'version' | 'deleted'>;

/**
 * The entries one stream record of a note asks for: an upsert for every user it is shared with after the change,
 * a delete for every user it was shared with before and no longer is (or before a deletion). `at` is when a
 * deletion happened (the record's time; an unshare uses the note's updatedAt).
 */
export function shareeChangesOf(record: NoteStreamChange, at: string): ShareeChange[] {
  const { newImage, oldImage } = record;
  if (record.eventName === 'REMOVE') {
    if (!oldImage) return [];
    return oldImage.sharedWith.map((userId) => removal(userId, oldImage, at));
  }
  if (!newImage) return [];
  const now = new Set(newImage.sharedWith);
  const note = toNote(newImage);
  const upserts = newImage.sharedWith.map((userId): ShareeChange => ({ userId, noteId: note.id, version: note.version, deleted: false, change: { op: 'upsert', note } }));
  const unshared = (oldImage?.sharedWith ?? []).filter((userId) => !now.has(userId)).map((userId) => removal(userId, newImage, newImage.updatedAt));
  return [...upserts, ...unshared];
}

function removal(userId: string, note: NoteImage, deletedAt: string): ShareeChange {
  return { userId, noteId: note.id, version: note.version, deleted: true, change: { op: 'delete', id: note.id, deletedAt } };
}

/** True when `candidate` must replace what the user's feed shows of the note (`seen`, undefined when nothing). */
export function supersedesEntry(candidate: FeedVersion, seen: FeedVersion | undefined): boolean {
  if (!seen) return true;
  if (candidate.version !== seen.version) return candidate.version > seen.version;
  return candidate.deleted && !seen.deleted;
}

/** What recording one ShareeChange did. */
export type RecordOutcome = 'recorded' | 'stale' | 'closed';

export interface SharedFeedWriter {
  /**
   * Writes the change into the user's shared feed unless the feed shows the note at this version or later, or is
   * closed. Tried once: a race lost to another writer of the feed or of the note's entry is a WriteConflictError.
   */
  record(change: ShareeChange): Promise<RecordOutcome>;
}

/** Feeds written at once for one note change. */
const parallelFeeds = 4;

/** Records every entry a stream record asks for, a few feeds at a time; fails when any failed (each is idempotent). */
export async function feedSharees(record: NoteStreamChange, at: string, feed: SharedFeedWriter, clock?: Clock): Promise<Record<RecordOutcome, number>> {
  const changes = shareeChangesOf(record, at);
  const counts: Record<RecordOutcome, number> = { recorded: 0, stale: 0, closed: 0 };
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < changes.length) {
      const change = changes[next++] as ShareeChange;
      try {
        counts[await recordWithRetries(change, feed, clock)]++;
      } catch (err) {
        failures.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelFeeds, changes.length) }, worker));
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${changes.length} shared feed entries could not be written`);
  return counts;
}

/** A lost race is someone else's progress on the same feed (write-attempts.ts): read again and go again. */
async function recordWithRetries(change: ShareeChange, feed: SharedFeedWriter, clock: Clock | undefined): Promise<RecordOutcome> {
  let lastConflict: unknown;
  for await (const _attempt of writeAttempts(clock)) {
    try {
      return await feed.record(change);
    } catch (err) {
      if (!(err instanceof WriteConflictError)) throw err;
      lastConflict = err;
    }
  }
  throw new Error(`The shared feed of ${change.userId} kept changing`, { cause: lastConflict });
}

/** An entry of a feed with its position. */
export interface FeedEntry {
  seq: number;
  change: Change;
}

/** Entries of one feed after a position, in order, and whether more follow them. */
export interface FeedSlice {
  entries: FeedEntry[];
  hasMore: boolean;
}

/** Where a reader of `scope=all` stands in each feed. */
export interface FeedPositions {
  own: number;
  shared: number;
}

/**
 * One page of `scope=all`: the caller's own feed and shared feed merged by sequence number (own first on a tie),
 * at most `limit` entries, with where the page leaves each feed.
 *
 * Why one cursor of two positions never skips: each position moves only past entries the page returns, and the
 * entries the page takes from each feed are a prefix of that feed's entries after its position (the merge takes
 * them in order).
 * Why it is one order: the merge takes an entry of one feed only once every smaller entry read from the other is
 * taken, and a slice that stopped early (`hasMore`: the page size, or DynamoDB's 1 MB per Query) caps the merge at
 * its last entry, so no entry of the other feed is taken before a smaller one that was not read yet. Pages read
 * one after another thus continue one sequence, ordered by number (entries committed later get larger numbers).
 * So each feed is read exactly as `scope=own` and `scope=shared` read it, and those never skip. A note is in one
 * feed only (its owner's own feed, or the shared feed of a user it is shared with; an owner is never among the
 * sharees), so merging changes no note's order.
 */
export function mergeFeeds(own: FeedSlice, shared: FeedSlice, from: FeedPositions, limit: number): { changes: Change[]; positions: FeedPositions; hasMore: boolean } {
  const positions = { ...from };
  const changes: Change[] = [];
  const cap = Math.min(lastOfCutShort(own), lastOfCutShort(shared));
  let i = 0;
  let j = 0;
  while (changes.length < limit) {
    const mine = own.entries[i];
    const theirs = shared.entries[j];
    const takeOwn = mine !== undefined && (theirs === undefined || mine.seq <= theirs.seq);
    const next = takeOwn ? mine : theirs;
    if (next === undefined || next.seq > cap) break;
    changes.push(next.change);
    if (takeOwn) {
      positions.own = next.seq;
      i++;
    } else {
      positions.shared = next.seq;
      j++;
    }
  }
  const hasMore = i < own.entries.length || j < shared.entries.length || own.hasMore || shared.hasMore;
  return { changes, positions, hasMore };
}

function lastOfCutShort(slice: FeedSlice): number {
  const last = slice.entries.at(-1);
  return slice.hasMore && last ? last.seq : Number.POSITIVE_INFINITY;
}
