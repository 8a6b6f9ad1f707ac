// The excerpt of a note's body shown with a result: a window around the first place a query term
// matches, cut at word boundaries, with "…" where text was left out.
import { matchesTerm } from './query';
import type { QueryTerm } from './query';
import { tokenize } from './text';

export const snippetLength = 160;
/** How much text before the match the window keeps, so the match reads in context. */
const leadIn = 50;

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** How far a cut may move to land on a word boundary; beyond that (a long word, emoji) it cuts hard. */
const maxShift = 20;

/** Moves a window start forward to the next word, if one starts soon after and before `limit`. */
function startOfWord(text: string, index: number, limit: number): number {
  if (index <= 0) return 0;
  const space = text.slice(index, Math.min(limit, index + maxShift)).search(/\s/);
  return space < 0 ? index : index + space + 1;
}

/** Moves a window end back to the end of the previous word, if one ends shortly before and after `floor`. */
function endOfWord(text: string, index: number, floor: number): number {
  if (index >= text.length) return text.length;
  const from = Math.max(floor, index - maxShift);
  const space = text.slice(from, index + 1).search(/\s\S*$/);
  return space < 0 ? index : from + space;
}

/** Never splits a surrogate pair (an emoji would become two broken characters). */
function codePointBoundary(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index + 1 : index;
}

export function snippetOf(body: string, terms: QueryTerm[]): string {
  const match = tokenize(body).find((token) => terms.some((term) => matchesTerm(token.term, term)));
  const matchStart = match?.start ?? 0;
  let start = matchStart <= leadIn ? 0 : startOfWord(body, matchStart - leadIn, matchStart);
  start = codePointBoundary(body, start);
  let end = start + snippetLength;
  if (end < body.length) end = codePointBoundary(body, endOfWord(body, end, Math.max(start, match?.end ?? start)));
  const excerpt = collapseWhitespace(body.slice(start, end)).trim();
  return `${start > 0 ? '…' : ''}${excerpt}${end < body.length ? '…' : ''}`;
}
