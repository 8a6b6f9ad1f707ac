// In-memory SearchIndex laid out with the real table keys (adapters/keys.ts), so postings sort, match
// prefixes and truncate exactly as in DynamoDB; it counts every write, and has hooks to simulate a crash in the
// middle of a write.
import { keys } from '../../../src/adapters/keys';
import type { ShareEntry } from '../../../src/domain/index-entry';
import { DocChangedError } from '../../../src/domain/ports';
import type { EntryWrites, IndexedDoc, PostingsPage, PostingsQuery, SearchIndex, SharedNote } from '../../../src/domain/ports';

const clone = <T>(value: T): T => structuredClone(value);

export class FakeSearchIndex implements SearchIndex {
  readonly docs = new Map<string, IndexedDoc>();
  /** pk → set of posting sort keys. */
  readonly partitions = new Map<string, Set<string>>();
  /** Share entries: pk → sort key (note id) → entry. */
  readonly shares = new Map<string, Map<string, Omit<ShareEntry, 'userId'>>>();
  /** Entry writes (puts + deletes) allowed before the next writeEntries call throws halfway; then reset. */
  crashAfterEntryWrites: number | undefined;
  /** Makes the next completeDoc throw, as a process dying right before it would. */
  crashBeforeComplete = false;
  postingWrites = 0;
  shareWrites = 0;
  /** putDoc and completeDoc calls: each writes the record once. */
  recordWrites = 0;
  queries: PostingsQuery[] = [];
  shareReads: string[] = [];
  docReads = 0;

  /** Every item written or deleted, as DynamoDB would bill it. */
  get writes(): number {
    return this.postingWrites + this.shareWrites + this.recordWrites;
  }

  async getDoc(noteId: string): Promise<IndexedDoc | undefined> {
    const doc = this.docs.get(noteId);
    return doc ? clone(doc) : undefined;
  }

  async putDoc(doc: IndexedDoc, expectedVersion: number | null): Promise<void> {
    const current = this.docs.get(doc.noteId);
    if (expectedVersion === null ? current !== undefined : current?.version !== expectedVersion) throw new DocChangedError(doc.noteId);
    this.docs.set(doc.noteId, clone(doc));
    this.recordWrites++;
  }

  async completeDoc(noteId: string, version: number): Promise<void> {
    if (this.crashBeforeComplete) {
      this.crashBeforeComplete = false;
      throw new Error('simulated crash before completing the record');
    }
    const current = this.docs.get(noteId);
    this.recordWrites++;
    if (current?.version === version) current.pending = null;
  }

  async writeEntries(noteId: string, { postings, shares }: EntryWrites): Promise<void> {
    const step = () => {
      if (this.crashAfterEntryWrites !== undefined && this.crashAfterEntryWrites-- <= 0) {
        this.crashAfterEntryWrites = undefined;
        throw new Error('simulated crash while writing index entries');
      }
    };
    for (const { userId, ownerId, terms } of shares.puts) {
      step();
      const { pk, sk } = keys.share(userId, noteId);
      this.shares.set(pk, (this.shares.get(pk) ?? new Map()).set(sk, clone({ ownerId, terms })));
      this.shareWrites++;
    }
    for (const userId of shares.deletes) {
      step();
      const { pk, sk } = keys.share(userId, noteId);
      this.shares.get(pk)?.delete(sk);
      this.shareWrites++;
    }
    const operations = [...postings.puts.map((posting) => ({ posting, put: true })), ...postings.deletes.map((posting) => ({ posting, put: false }))];
    for (const { posting, put } of operations) {
      step();
      const { pk, sk } = keys.posting(noteId, posting);
      const partition = this.partitions.get(pk) ?? new Set<string>();
      if (put) partition.add(sk);
      else partition.delete(sk);
      this.partitions.set(pk, partition);
      this.postingWrites++;
    }
  }

  async queryPostings(query: PostingsQuery): Promise<PostingsPage> {
    this.queries.push(query);
    const range = keys.postingRange(query.principal, query.term, query.prefix);
    // DynamoDB compares sort keys by their UTF-8 bytes.
    const matching = [...(this.partitions.get(range.pk) ?? [])].filter((sk) => sk.startsWith(range.skPrefix)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = matching.slice(0, query.limit);
    return {
      postings: page.flatMap((sk) => {
        const parsed = keys.parsePostingSortKey(sk);
        return parsed ? [parsed] : [];
      }),
      truncated: matching.length > query.limit,
    };
  }

  async sharedWith(userId: string, limit: number): Promise<SharedNote[]> {
    this.shareReads.push(userId);
    const entries = [...(this.shares.get(keys.sharesOf(userId)) ?? new Map<string, Omit<ShareEntry, 'userId'>>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.slice(0, limit).map(([noteId, entry]) => ({ noteId, ownerId: entry.ownerId, terms: clone(entry.terms) }));
  }

  async getDocs(noteIds: string[]): Promise<Map<string, IndexedDoc>> {
    this.docReads += noteIds.length;
    const found = new Map<string, IndexedDoc>();
    for (const id of noteIds) {
      const doc = this.docs.get(id);
      if (doc) found.set(id, clone(doc));
    }
    return found;
  }

  /** Every posting stored for a note, as "principal-partition sort-key" strings. */
  postingsOfNote(noteId: string): string[] {
    const out: string[] = [];
    for (const [pk, sks] of this.partitions) for (const sk of sks) if (sk.endsWith(`#${noteId}`)) out.push(`${pk} ${sk}`);
    return out.sort();
  }

  /** The users holding a share entry of a note, with what it carries. */
  sharesOfNote(noteId: string): Array<{ pk: string; entry: Omit<ShareEntry, 'userId'> }> {
    const out: Array<{ pk: string; entry: Omit<ShareEntry, 'userId'> }> = [];
    for (const [pk, entries] of this.shares) {
      const entry = entries.get(noteId);
      if (entry) out.push({ pk, entry: clone(entry) });
    }
    return out.sort((a, b) => (a.pk < b.pk ? -1 : 1));
  }

  postingCount(): number {
    let count = 0;
    for (const sks of this.partitions.values()) count += sks.size;
    return count;
  }

  shareCount(): number {
    let count = 0;
    for (const entries of this.shares.values()) count += entries.size;
    return count;
  }
}
