// A search box's text as terms: every term must match; the last one also as a prefix ("phot" → photos).
import { terms as termsOf } from './text';

export interface QueryTerm {
  text: string;
  /** Matches every indexed term that starts with `text`. */
  prefix: boolean;
}

export function parseQuery(q: string): QueryTerm[] {
  const words = termsOf(q);
  const last = words.at(-1);
  const exact = [...new Set(words.slice(0, -1))];
  // A prefix that an exact term already satisfies ("photos phot", "photo photo") adds no condition.
  const prefixNeeded = last !== undefined && !exact.some((word) => word.startsWith(last));
  return [...exact.map((text) => ({ text, prefix: false })), ...(prefixNeeded ? [{ text: last, prefix: true }] : [])];
}

export function matchesTerm(indexedTerm: string, term: QueryTerm): boolean {
  return term.prefix ? indexedTerm.startsWith(term.text) : indexedTerm === term.text;
}

/** A stable name for the query, so a cursor only continues the query it came from. */
export function queryKey(terms: QueryTerm[]): string {
  return terms.map((term) => `${term.prefix ? '^' : '='}${term.text}`).join(' ');
}
