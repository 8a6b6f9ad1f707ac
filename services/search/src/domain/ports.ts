// What the search domain needs from storage: the per-note document record (the indexed version and what it
// wrote), the postings, and the sharees' share entries. The DynamoDB implementation is adapters/search-index.ts.
import type { Posting, PostingSet, ShareEntry } from './index-entry';

/** The index's record of one note: what a result shows, and which postings exist for it. */
export interface IndexedDoc {
  noteId: string;
  /** The note version indexed last; an older one never overwrites it. */
  version: number;
  /** A tombstone: the note was deleted at `version`; it keeps older re-deliveries from reviving it. */
  deleted: boolean;
  ownerId: string;
  title: string;
  body: string;
  updatedAt: string;
  /** Who may find the note (principalsOf): every result is checked against it. */
  principals: string[];
  /**
   * The partitions that hold its postings: its home (homeOf). Records written before share entries existed
   * filed postings under every principal, and read back that way, so a re-index deletes those copies.
   */
  postedUnder: string[];
  /** The users holding a share entry of this version (shareesOf). */
  sharees: string[];
  /** Term → impact; with `postedUnder`, exactly the postings of this version. */
  terms: Record<string, number>;
  /**
   * Set while this version's postings and share entries are being written: those of earlier versions that may
   * still exist and must go. Non-null also means this version's own writes may be incomplete.
   */
  pending: Leftovers | null;
}

/** What earlier versions may have left: postings, and the sharees whose entries may exist. */
export interface Leftovers extends PostingSet {
  sharees: string[];
}

/** One change's writes to postings and share entries (by sharee id), all idempotent. */
export interface EntryWrites {
  postings: { puts: Posting[]; deletes: Posting[] };
  shares: { puts: ShareEntry[]; deletes: string[] };
}

/** A note shared with the reader, from their share entry. */
export interface SharedNote {
  noteId: string;
  ownerId: string;
  /** The note's terms with their impacts, or null: then its owner's postings hold them. */
  terms: Record<string, number> | null;
}

/**
 * Postings are partitioned by principal and the first characters of the term, so a prefix can be read
 * with one Query only when it is at least this long.
 */
export const minPrefixLength = 2;

export interface NotePosting {
  noteId: string;
  /** The indexed term (for a prefix query, the term that matched the prefix). */
  term: string;
  impact: number;
}

export interface PostingsQuery {
  principal: string;
  term: string;
  /** Match every term that starts with `term`, not only `term` itself. */
  prefix: boolean;
  limit: number;
}

export interface PostingsPage {
  /** Highest impact first for one term; for a prefix, term by term. */
  postings: NotePosting[];
  /** More postings matched than `limit`. */
  truncated: boolean;
}

export interface SearchIndex {
  getDoc(noteId: string): Promise<IndexedDoc | undefined>;
  /** Conditional on the stored version being `expectedVersion` (null: no record); else DocChangedError. */
  putDoc(doc: IndexedDoc, expectedVersion: number | null): Promise<void>;
  /** Clears `pending` if `version` is still the stored one. */
  completeDoc(noteId: string, version: number): Promise<void>;
  /** Idempotent: puts and deletes may be repeated. */
  writeEntries(noteId: string, writes: EntryWrites): Promise<void>;
  queryPostings(query: PostingsQuery): Promise<PostingsPage>;
  /** The notes shared with a user (their share entries), at most `limit` of them. */
  sharedWith(userId: string, limit: number): Promise<SharedNote[]>;
  /** The records that exist, by note id, with what a search result needs (postedUnder, sharees and pending may be left out). */
  getDocs(noteIds: string[]): Promise<Map<string, IndexedDoc>>;
}

/** The document record changed between read and write (another writer won). */
export class DocChangedError extends Error {
  constructor(noteId: string) {
    super(`The index record of note ${noteId} changed concurrently`);
    this.name = 'DocChangedError';
  }
}
