// In-memory SearchIndex laid out with the real table keys (adapters/keys.ts), so postings sort, match
// prefixes and truncate exactly as in DynamoDB; plus hooks to simulate a crash in the middle of a write.
import { keys } from '../../../src/adapters/keys';
import type { Posting } from '../../../src/domain/index-entry';
import { DocChangedError } from '../../../src/domain/ports';
import type { IndexedDoc, PostingsPage, PostingsQuery, SearchIndex } from '../../../src/domain/ports';

const clone = <T>(value: T): T => structuredClone(value);

export class FakeSearchIndex implements SearchIndex {
  readonly docs = new Map<string, IndexedDoc>();
  /** pk → set of sort keys. */
  readonly partitions = new Map<string, Set<string>>();
  /** Posting writes (puts + deletes) allowed before the next writePostings call throws halfway; then reset. */
  crashAfterPostingWrites: number | undefined;
  /** Makes the next completeDoc throw, as a process dying right before it would. */
  crashBeforeComplete = false;
  postingWrites = 0;
  queries: PostingsQuery[] = [];
  docReads = 0;

  async getDoc(noteId: string): Promise<IndexedDoc | undefined> {
    const doc = this.docs.get(noteId);
    return doc ? clone(doc) : undefined;
  }

  async putDoc(doc: IndexedDoc, expectedVersion: number | null): Promise<void> {
    const current = this.docs.get(doc.noteId);
    if (expectedVersion === null ? current !== undefined : current?.version !== expectedVersion) throw new DocChangedError(doc.noteId);
    this.docs.set(doc.noteId, clone(doc));
  }

  async completeDoc(noteId: string, version: number): Promise<void> {
    if (this.crashBeforeComplete) {
      this.crashBeforeComplete = false;
      throw new Error('simulated crash before completing the record');
    }
    const current = this.docs.get(noteId);
    if (current?.version === version) current.pending = null;
  }

  async writePostings(noteId: string, puts: Posting[], deletes: Posting[]): Promise<void> {
    const operations = [...puts.map((posting) => ({ posting, put: true })), ...deletes.map((posting) => ({ posting, put: false }))];
    for (const { posting, put } of operations) {
      if (this.crashAfterPostingWrites !== undefined && this.crashAfterPostingWrites-- <= 0) {
        this.crashAfterPostingWrites = undefined;
        throw new Error('simulated crash while writing postings');
      }
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

  postingCount(): number {
    let count = 0;
    for (const sks of this.partitions.values()) count += sks.size;
    return count;
  }
}
