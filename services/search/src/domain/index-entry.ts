// What the index holds for one note: who may find it, where its postings are filed, which sharees hold a share
// entry of it, and its terms with their impacts. This small description is also the record of what was written,
// so a re-index can delete precisely the stale postings and share entries (services/search/TABLES.md).
import { impactOf } from './scoring';
import type { Field, FieldCounts } from './scoring';
import { terms as termsOf } from './text';

/** The note fields search reads from the notes stream. */
export interface NoteSnapshot {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  tags: string[];
  visibility: 'private' | 'public';
  sharedWith: string[];
  version: number;
  updatedAt: string;
}

/**
 * The index writes (items put or deleted) one note change may cost, whatever the note: its postings are filed
 * once, never once per sharee, so sharing costs a share entry per sharee instead of a copy of every posting.
 */
export const maxWritesPerChange = 1500;
/** The API's limit on `sharedWith` (docs/API.md, Notes). */
export const maxShareesPerNote = 50;
/** The document record's writes in one change: the record with its pending mark, then the mark cleared. */
export const recordWritesPerChange = 2;

/**
 * The most distinct terms of one note that are searchable (the highest-impact ones; among equal impacts, the
 * earliest). The worst single change deletes every posting and puts as many new ones (every term replaced, or
 * the note moved between the owner's and the public partition) and replaces every share entry, so:
 * 2 × terms + 2 × sharees + the record's writes ≤ maxWritesPerChange, which gives 699. A 20 000-character body
 * rarely has more distinct words; beyond them, its rarest words are not searchable.
 */
export const maxTermsPerNote = Math.floor((maxWritesPerChange - 2 * maxShareesPerNote - recordWritesPerChange) / 2);

/**
 * A share entry carries the note's terms when it has at most this many (a note of a few hundred words), so the
 * sharee's search matches it without reading any postings; a longer note is found through its owner's postings.
 * The bound keeps an entry near 1.5 KB for ordinary words (two write units), so the entries a sharee reads on
 * every search stay small whatever was shared with them.
 */
export const maxShareEntryTerms = 128;

export const publicPrincipal = 'public';
export const userPrincipal = (userId: string): string => `user:${userId}`;

type Visibility = Pick<NoteSnapshot, 'ownerId' | 'sharedWith' | 'visibility'>;

/**
 * Who may find the note: its owner, and the public when it is public, else each sharee. Sharees of a public
 * note find it as public. Search results are checked against this list.
 */
export function principalsOf(note: Visibility): string[] {
  const principals = new Set([userPrincipal(note.ownerId)]);
  if (note.visibility === 'public') principals.add(publicPrincipal);
  else for (const userId of shareesOf(note)) principals.add(userPrincipal(userId));
  return [...principals].sort();
}

/**
 * The one partition that holds the note's postings: the public one for a public note (its owner finds it there
 * like everyone else), else its owner's. Sharing never adds postings.
 */
export function homeOf(note: Pick<NoteSnapshot, 'ownerId' | 'visibility'>): string {
  return note.visibility === 'public' ? publicPrincipal : userPrincipal(note.ownerId);
}

/** The users who get a share entry: the sharees of a private note (the owner's own id is ignored). */
export function shareesOf(note: Visibility): string[] {
  if (note.visibility === 'public') return [];
  return [...new Set(note.sharedWith)].filter((userId) => userId !== note.ownerId).sort();
}

/** What a note's share entries carry: its terms when they are few, else nothing (the owner's postings have them). */
export function shareTermsOf(terms: Record<string, number>): Record<string, number> | null {
  return Object.keys(terms).length <= maxShareEntryTerms ? terms : null;
}

export function sameShareTerms(a: Record<string, number>, b: Record<string, number>): boolean {
  const left = shareTermsOf(a);
  const right = shareTermsOf(b);
  if (left === null || right === null) return left === right;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((term) => Object.hasOwn(right, term) && right[term] === left[term]);
}

/** Term → impact, for the title, tags and body of a note. */
export function termImpacts(note: Pick<NoteSnapshot, 'title' | 'body' | 'tags'>): Record<string, number> {
  const fields: Record<Field, string[]> = { title: termsOf(note.title), tags: note.tags.flatMap(termsOf), body: termsOf(note.body) };
  const lengths: FieldCounts = { title: fields.title.length, tags: fields.tags.length, body: fields.body.length };
  const counts = new Map<string, FieldCounts>();
  for (const field of ['title', 'tags', 'body'] as const) {
    for (const term of fields[field]) {
      let entry = counts.get(term);
      if (!entry) counts.set(term, (entry = { title: 0, tags: 0, body: 0 }));
      entry[field]++;
    }
  }
  // Map order is first occurrence, so among equal impacts the earlier terms win the cap.
  const ranked = [...counts].map(([term, frequencies]) => ({ term, impact: impactOf(frequencies, lengths) }));
  if (ranked.length > maxTermsPerNote) ranked.sort((a, b) => b.impact - a.impact);
  return Object.fromEntries(ranked.slice(0, maxTermsPerNote).map(({ term, impact }) => [term, impact]));
}

/** A set of postings of one note: every principal (partition) × every (term, impact). */
export interface PostingSet {
  principals: string[];
  terms: Record<string, number[]>;
}

export interface Posting {
  principal: string;
  term: string;
  impact: number;
}

/** A share entry: the sharee's record that `ownerId` shares the note with them. */
export interface ShareEntry {
  userId: string;
  ownerId: string;
  /** The note's terms and impacts (shareTermsOf), or null when the owner's postings must be read. */
  terms: Record<string, number> | null;
}

export const emptyPostingSet = (): PostingSet => ({ principals: [], terms: {} });

export function postingSetOf(principals: string[], impacts: Record<string, number>): PostingSet {
  return { principals: [...principals], terms: Object.fromEntries(Object.entries(impacts).map(([term, impact]) => [term, [impact]])) };
}

/** A superset of both: deleting a posting that was never written is harmless, missing one is not. */
export function mergePostingSets(a: PostingSet, b: PostingSet): PostingSet {
  // A Map, not an object: a term may be any word, "__proto__" included.
  const terms = new Map<string, Set<number>>();
  for (const set of [a, b]) {
    for (const [term, impacts] of Object.entries(set.terms)) {
      const merged = terms.get(term) ?? new Set<number>();
      for (const impact of impacts) merged.add(impact);
      terms.set(term, merged);
    }
  }
  return { principals: [...new Set([...a.principals, ...b.principals])], terms: Object.fromEntries([...terms].map(([term, impacts]) => [term, [...impacts]])) };
}

export function isEmptyPostingSet(set: PostingSet): boolean {
  return set.principals.length === 0 || Object.keys(set.terms).length === 0;
}

export function postingsOf(set: PostingSet): Posting[] {
  return set.principals.flatMap((principal) => Object.entries(set.terms).flatMap(([term, impacts]) => impacts.map((impact) => ({ principal, term, impact }))));
}

const identity = (posting: Posting): string => `${posting.principal}\n${posting.term}\n${posting.impact}`;

/** The postings of `set` that are not in `minus`. */
export function postingsNotIn(set: PostingSet, minus: PostingSet): Posting[] {
  const kept = new Set(postingsOf(minus).map(identity));
  return postingsOf(set).filter((posting) => !kept.has(identity(posting)));
}
