// What the index holds for one note: who may find it (principals) and by which terms, with each term's
// impact. The postings are exactly principals × terms, so this small description is also the record of
// which postings were written, and a re-index can delete precisely the stale ones.
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
 * Bounds the postings one note can cost: at most this many distinct terms (the highest-impact ones) per
 * principal. A 20 000-character body rarely has more; beyond it, the rarest words of the body are not
 * searchable.
 */
export const maxTermsPerNote = 1000;

export const publicPrincipal = 'public';
export const userPrincipal = (userId: string): string => `user:${userId}`;

/**
 * Under whom the note's postings are filed: its owner, and the public when it is public, else each sharee.
 * Sharees of a public note find it as public: a public note shared with 50 users costs 2 copies, not 52.
 */
export function principalsOf(note: Pick<NoteSnapshot, 'ownerId' | 'sharedWith' | 'visibility'>): string[] {
  const principals = new Set([userPrincipal(note.ownerId)]);
  if (note.visibility === 'public') principals.add(publicPrincipal);
  else for (const userId of note.sharedWith) principals.add(userPrincipal(userId));
  return [...principals].sort();
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

/** A set of postings of one note: every principal × every (term, impact). */
export interface PostingSet {
  principals: string[];
  terms: Record<string, number[]>;
}

export interface Posting {
  principal: string;
  term: string;
  impact: number;
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
