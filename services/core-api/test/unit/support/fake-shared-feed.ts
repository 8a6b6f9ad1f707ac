// In-memory shared feeds with the rules of adapters/shared-feed.ts: per user, one entry per note (the previous one
// goes when a newer one is written), a change written only when it supersedes what the feed shows of the note,
// numbers from the caller's sequence (shared with the fake owners' feeds, so `scope=all` merges real positions),
// feeds closed by an account's purge. It can lose races on purpose, as the table's head does.
import { WriteConflictError } from '../../../src/domain/ports';
import { supersedesEntry } from '../../../src/domain/shared-feed';
import type { FeedEntry, FeedSlice, FeedVersion, RecordOutcome, ShareeChange, SharedFeedWriter } from '../../../src/domain/shared-feed';

interface Feed {
  entries: FeedEntry[];
  positions: Map<string, FeedVersion & { seq: number }>;
}

export class FakeSharedFeed implements SharedFeedWriter {
  readonly feeds = new Map<string, Feed>();
  readonly closed = new Set<string>();
  /** The next this-many records lose a race (WriteConflictError) before they are checked. */
  conflictingRecords = 0;
  records = 0;

  constructor(private readonly nextSeq: () => number) {}

  async record(change: ShareeChange): Promise<RecordOutcome> {
    this.records++;
    if (this.conflictingRecords > 0) {
      this.conflictingRecords--;
      throw new WriteConflictError();
    }
    const position = this.feeds.get(change.userId)?.positions.get(change.noteId);
    if (!supersedesEntry(change, position)) return 'stale';
    if (this.closed.has(change.userId)) return 'closed';
    const feed = this.feedOf(change.userId);
    const seq = this.nextSeq();
    feed.entries = feed.entries.filter((entry) => entry.seq !== position?.seq);
    feed.entries.push({ seq, change: structuredClone(change.change) });
    feed.positions.set(change.noteId, { seq, version: change.version, deleted: change.deleted });
    return 'recorded';
  }

  sliceAfter(userId: string, after: number, limit: number): FeedSlice {
    const entries = (this.feeds.get(userId)?.entries ?? []).filter((entry) => entry.seq > after);
    return { entries: entries.slice(0, limit).map((entry) => structuredClone(entry)), hasMore: entries.length > limit };
  }

  purge(userId: string): void {
    this.closed.add(userId);
    this.feeds.delete(userId);
  }

  private feedOf(userId: string): Feed {
    let feed = this.feeds.get(userId);
    if (!feed) this.feeds.set(userId, (feed = { entries: [], positions: new Map() }));
    return feed;
  }
}
