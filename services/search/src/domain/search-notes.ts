// GET /search: the notes the caller may see (own, shared with them, public) that contain every query term,
// best first, in pages.
//
// Bounded work per request, whatever the corpus:
//   - postings are read for at most `maxReadTerms` (8) terms: the longest ones, as the likely rarest; any
//     further term is checked against the candidates' document records instead (it still must match);
//   - each read term costs one Query per principal (the caller, and the public), of at most
//     `postingsPerTerm` (500) postings each, highest impact first: for a term more frequent than that
//     among the notes one principal sees, only its 500 best postings are considered;
//   - at most `maxDocReadsPerPage` (200) document records are read to fill one page.
// No Scan anywhere. The document records also re-check every result (still visible to the caller, still
// holding every term), so a posting that a re-index has not yet deleted never leaks a note.
import { decodeCursor, encodeCursor } from '@photonotes/shared/cursor';
import { ValidationError } from '@photonotes/shared/errors';
import { createHash } from 'node:crypto';
import { publicPrincipal, userPrincipal } from './index-entry';
import { matchesTerm, parseQuery, queryKey } from './query';
import type { QueryTerm } from './query';
import { roundScore, termScore } from './scoring';
import { snippetOf } from './snippet';
import { minPrefixLength } from './ports';
import type { IndexedDoc, SearchIndex } from './ports';

export const maxReadTerms = 8;
export const postingsPerTerm = 500;
export const maxDocReadsPerPage = 200;
/** BatchGetItem's limit. */
const docBatchSize = 100;

export interface SearchDeps {
  index: SearchIndex;
}

export interface SearchInput {
  q: string;
  limit: number;
  cursor?: string | undefined;
}

export interface SearchHit {
  id: string;
  title: string;
  snippet: string;
  ownerId: string;
  score: number;
  updatedAt: string;
}

export interface SearchPage {
  items: SearchHit[];
  nextCursor: string | null;
}

interface TermHits {
  /** Note id → the best impact among its matching postings. */
  impacts: Map<string, number>;
  truncated: boolean;
  /** The lowest impact read: the estimate for a note that a truncated list did not reach. */
  floor: number;
}

interface Candidate {
  id: string;
  score: number;
}

interface After {
  score: number;
  id: string;
}

export async function searchNotes(input: SearchInput, callerId: string, deps: SearchDeps): Promise<SearchPage> {
  const terms = parseQuery(input.q);
  const scope = `search:${callerId}:${createHash('sha256').update(queryKey(terms)).digest('base64url').slice(0, 22)}`;
  const after = input.cursor === undefined ? undefined : afterFromCursor(decodeCursor(input.cursor, scope));
  if (terms.length === 0) return { items: [], nextCursor: null };

  const principals = [userPrincipal(callerId), publicPrincipal];
  const lists = await Promise.all(readTerms(terms).map((term) => readTerm(term, principals, deps)));
  const ranked = rank(lists).filter((candidate) => !after || isAfter(candidate, after));

  const items: SearchHit[] = [];
  let examined = 0;
  while (examined < ranked.length && items.length < input.limit && examined < maxDocReadsPerPage) {
    const batch = ranked.slice(examined, examined + Math.min(docBatchSize, input.limit - items.length, maxDocReadsPerPage - examined));
    const docs = await deps.index.getDocs(batch.map((candidate) => candidate.id));
    for (const candidate of batch) {
      examined++;
      const doc = docs.get(candidate.id);
      if (doc && isVisibleMatch(doc, principals, terms)) items.push(toHit(doc, candidate, terms));
      if (items.length === input.limit) break;
    }
  }
  const last = ranked[examined - 1];
  const nextCursor = last && examined < ranked.length ? encodeCursor({ s: last.score, id: last.id }, scope) : null;
  return { items, nextCursor };
}

/**
 * The terms whose postings are read: the longest first. A prefix shorter than the posting partitions'
 * key is checked on the candidates instead, unless it is all there is (then it is read as a whole term).
 */
export function readTerms(terms: QueryTerm[]): QueryTerm[] {
  const readable = terms.filter((term) => !term.prefix || Array.from(term.text).length >= minPrefixLength);
  if (readable.length === 0) return terms.map((term) => ({ text: term.text, prefix: false }));
  return [...readable].sort((a, b) => Array.from(b.text).length - Array.from(a.text).length).slice(0, maxReadTerms);
}

async function readTerm(term: QueryTerm, principals: string[], deps: SearchDeps): Promise<TermHits> {
  const pages = await Promise.all(principals.map((principal) => deps.index.queryPostings({ principal, term: term.text, prefix: term.prefix, limit: postingsPerTerm })));
  const impacts = new Map<string, number>();
  let floor = Infinity;
  for (const page of pages) {
    for (const posting of page.postings) {
      // A note can match under two principals (own and public), or a prefix through several terms.
      impacts.set(posting.noteId, Math.max(impacts.get(posting.noteId) ?? 0, posting.impact));
      floor = Math.min(floor, posting.impact);
    }
  }
  return { impacts, truncated: pages.some((page) => page.truncated), floor: Number.isFinite(floor) ? floor : 0 };
}

/**
 * Candidates come from the smallest complete list (every true match is in every complete list); a note
 * missing from a truncated list may still hold that term, so it stays a candidate with the list's floor
 * as its estimated impact, and the document record decides.
 */
function rank(lists: TermHits[]): Candidate[] {
  const complete = lists.filter((list) => !list.truncated);
  const pool = complete.length > 0 ? complete : lists;
  const base = pool.reduce<TermHits | undefined>((smallest, list) => (!smallest || list.impacts.size < smallest.impacts.size ? list : smallest), undefined);
  if (!base) return [];
  const candidates: Candidate[] = [];
  for (const id of base.impacts.keys()) {
    let score = 0;
    let possible = true;
    for (const list of lists) {
      const impact = list.impacts.get(id);
      if (impact === undefined && !list.truncated) {
        possible = false;
        break;
      }
      score += termScore(impact ?? list.floor, list.impacts.size);
    }
    if (possible) candidates.push({ id, score: roundScore(score) });
  }
  return candidates.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function isAfter(candidate: Candidate, after: After): boolean {
  return candidate.score < after.score || (candidate.score === after.score && candidate.id > after.id);
}

function isVisibleMatch(doc: IndexedDoc, principals: string[], terms: QueryTerm[]): boolean {
  if (doc.deleted || !doc.principals.some((principal) => principals.includes(principal))) return false;
  const indexed = Object.keys(doc.terms);
  return terms.every((term) => (term.prefix ? indexed.some((word) => matchesTerm(word, term)) : Object.hasOwn(doc.terms, term.text)));
}

function toHit(doc: IndexedDoc, candidate: Candidate, terms: QueryTerm[]): SearchHit {
  return { id: doc.noteId, title: doc.title, snippet: snippetOf(doc.body, terms), ownerId: doc.ownerId, score: candidate.score, updatedAt: doc.updatedAt };
}

function afterFromCursor(payload: Record<string, unknown>): After {
  const { s, id } = payload;
  if (typeof s !== 'number' || !Number.isFinite(s) || typeof id !== 'string') {
    throw new ValidationError('Invalid cursor', [{ location: 'query', path: 'cursor', message: 'Invalid cursor', code: 'invalid_cursor' }]);
  }
  return { score: s, id };
}
