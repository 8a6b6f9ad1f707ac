// GET /search: the notes the caller may see (own, shared with them, public) that contain every query term,
// best first, in pages.
//
// Where the candidates come from (services/search/TABLES.md): the caller's own partition (their private notes),
// the public partition (every public note, theirs included), and the caller's share entries (notes shared with
// them). An entry of a note with few terms carries them and is matched here; an entry of a larger note sends the
// search to its owner's partition, whose postings are kept only for the notes shared with the caller.
//
// Bounded work per request, whatever the corpus:
//   - postings are read for at most `maxReadTerms` (8) terms: the longest ones, as the likely rarest; any
//     further term is checked against the candidates' document records instead (it still must match);
//   - each read term costs one Query per partition (the caller's, the public), of at most `postingsPerTerm`
//     (500) postings each, highest impact first: for a term more frequent than that among the notes one
//     partition holds, only its 500 best postings are considered;
//   - one Query (two at most) reads up to `maxSharedNotes` (2,000) share entries, and at most `maxOwnerReads`
//     (32) Queries of owner partitions are made, for the owners sharing the most with the caller; a shared note
//     no read settles stays a candidate and its record decides;
//   - at most `maxDocReadsPerPage` (200) document records are read to fill one page.
// No Scan anywhere. The document records also re-check every result (still visible to the caller, still
// holding every term), so a posting or share entry that a re-index has not yet deleted never leaks a note.
import { decodeCursor, encodeCursor } from '@photonotes/shared/cursor';
import { ValidationError } from '@photonotes/shared/errors';
import type { Metrics } from '@photonotes/shared/metrics';
import { createHash } from 'node:crypto';
import { publicPrincipal, userPrincipal } from './index-entry';
import { matchesTerm, parseQuery, queryKey } from './query';
import type { QueryTerm } from './query';
import { roundScore, termScore } from './scoring';
import { snippetOf } from './snippet';
import { minPrefixLength } from './ports';
import type { IndexedDoc, SearchIndex, SharedNote } from './ports';

export const maxReadTerms = 8;
export const postingsPerTerm = 500;
export const maxDocReadsPerPage = 200;
export const maxSharedNotes = 2000;
export const maxOwnerReads = 32;
/** BatchGetItem's limit. */
const docBatchSize = 100;

export interface SearchDeps {
  index: SearchIndex;
  /** SearchLatency: every query's time in the domain, answered or failed. */
  metrics: Metrics;
  /** A monotonic clock in milliseconds (performance.now). */
  nowMs(): number;
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
  /** Note id → the best impact among its matching postings (or an estimate, for a note the reads did not settle). */
  impacts: Map<string, number>;
  /** How many notes were read as holding the term: its document frequency. */
  matches: number;
  /** Some note may hold the term without being listed. */
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
  const started = deps.nowMs();
  try {
    return await findNotes(input, callerId, deps);
  } finally {
    deps.metrics.duration('SearchLatency', deps.nowMs() - started);
  }
}

async function findNotes(input: SearchInput, callerId: string, deps: SearchDeps): Promise<SearchPage> {
  const terms = parseQuery(input.q);
  const scope = `search:${callerId}:${createHash('sha256').update(queryKey(terms)).digest('base64url').slice(0, 22)}`;
  const after = input.cursor === undefined ? undefined : afterFromCursor(decodeCursor(input.cursor, scope));
  if (terms.length === 0) return { items: [], nextCursor: null };

  const principals = [userPrincipal(callerId), publicPrincipal];
  const read = readTerms(terms);
  const [lists, shared] = await Promise.all([Promise.all(read.map((term) => readTerm(term, principals, deps))), deps.index.sharedWith(callerId, maxSharedNotes)]);
  await addSharedNotes(lists, read, shared, deps);
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
  const list: TermHits = { impacts: new Map(), matches: 0, truncated: pages.some((page) => page.truncated), floor: Infinity };
  // A prefix can match a note through several terms.
  for (const page of pages) for (const posting of page.postings) addMatch(list, posting.noteId, posting.impact);
  return list;
}

function addMatch(list: TermHits, noteId: string, impact: number): void {
  const known = list.impacts.get(noteId);
  if (known === undefined) list.matches++;
  list.impacts.set(noteId, Math.max(known ?? 0, impact));
  list.floor = Math.min(list.floor, impact);
}

/** A note that may hold the term: listed with an estimated impact (never above what it may have), and the list incomplete. */
function addPossible(list: TermHits, noteId: string, impact: number): void {
  if (!list.impacts.has(noteId)) list.impacts.set(noteId, impact);
  list.truncated = true;
}

type OwnerNotes = [ownerId: string, noteIds: Set<string>];

/**
 * Adds the notes shared with the caller to each term's list. An entry with terms is matched against them. The
 * others are grouped by owner and read in their owners' partitions, keeping only the postings of the notes shared
 * with the caller: first the first read term (the longest, likely the rarest) for the owners sharing the most,
 * then the other terms only for owners with a note that may still hold it (a note must hold every term), at
 * most maxOwnerReads Queries in all. A note whose owner's postings ended before it, or whose owner was not read,
 * stays possible at the lowest impact read (1 when none was): it ranks after the settled ones and its record decides.
 */
async function addSharedNotes(lists: TermHits[], read: QueryTerm[], shared: SharedNote[], deps: SearchDeps): Promise<void> {
  const byOwner = new Map<string, Set<string>>();
  for (const note of shared) {
    if (note.terms) {
      read.forEach((term, i) => matchEntry(lists[i] as TermHits, term, note.noteId, note.terms ?? {}));
      continue;
    }
    const notes = byOwner.get(note.ownerId) ?? new Set<string>();
    byOwner.set(note.ownerId, notes.add(note.noteId));
  }
  const [first, ...others] = read;
  if (byOwner.size === 0 || !first) return;
  const owners: OwnerNotes[] = [...byOwner].sort(([a, x], [b, y]) => y.size - x.size || (a < b ? -1 : a > b ? 1 : 0));
  const firstRound = owners.slice(0, maxOwnerReads);
  for (const [, noteIds] of owners.slice(firstRound.length)) for (const list of lists) for (const noteId of noteIds) addPossible(list, noteId, 1);
  const stillPossible = (await readOwners(lists[0] as TermHits, first, firstRound, deps)).filter(([, noteIds]) => noteIds.size > 0);
  if (others.length === 0 || stillPossible.length === 0) return;
  const secondRound = stillPossible.slice(0, Math.floor((maxOwnerReads - firstRound.length) / others.length));
  await Promise.all(
    others.map(async (term, i) => {
      const list = lists[i + 1] as TermHits;
      for (const [, noteIds] of stillPossible.slice(secondRound.length)) for (const noteId of noteIds) addPossible(list, noteId, 1);
      await readOwners(list, term, secondRound, deps);
    }),
  );
}

/** One Query per owner for `term`, into `list`; returns, per owner, the notes that may hold the term. */
async function readOwners(list: TermHits, term: QueryTerm, owners: OwnerNotes[], deps: SearchDeps): Promise<OwnerNotes[]> {
  const pages = await Promise.all(owners.map(([ownerId]) => deps.index.queryPostings({ principal: userPrincipal(ownerId), term: term.text, prefix: term.prefix, limit: postingsPerTerm })));
  return pages.map((page, p) => {
    const [ownerId, noteIds] = owners[p] as OwnerNotes;
    const holding = new Set<string>();
    let lowest = Infinity;
    for (const posting of page.postings) {
      lowest = Math.min(lowest, posting.impact);
      if (!noteIds.has(posting.noteId)) continue;
      holding.add(posting.noteId);
      addMatch(list, posting.noteId, posting.impact);
    }
    if (page.truncated) {
      for (const noteId of noteIds) {
        if (holding.has(noteId)) continue;
        holding.add(noteId);
        addPossible(list, noteId, Number.isFinite(lowest) ? lowest : 1);
      }
    }
    return [ownerId, holding];
  });
}

function matchEntry(list: TermHits, term: QueryTerm, noteId: string, terms: Record<string, number>): void {
  let best = 0;
  for (const [word, impact] of Object.entries(terms)) if (impact > best && matchesTerm(word, term)) best = impact;
  if (best > 0) addMatch(list, noteId, best);
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
      score += termScore(impact ?? (Number.isFinite(list.floor) ? list.floor : 0), list.matches);
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
