// How text becomes search terms, the same way for notes and queries: Unicode NFKD, combining marks
// (accents) removed, lower case; terms are runs of letters and digits, so punctuation, symbols and
// emoji separate terms and never become one. "Crème Brûlée!" → creme, brulee.

export interface Token {
  term: string;
  /** Position of the token in the original text (UTF-16 indexes, end exclusive), for snippets. */
  start: number;
  end: number;
}

/** Longer runs (hashes, URLs without separators) are cut: a query of the same run is cut the same way. */
export const maxTermLength = 64;

const letterOrDigit = /^[\p{L}\p{N}]$/u;
const digit = /^\p{Nd}$/u;
const combiningMark = /\p{M}/gu;

/** Case- and accent-free form of one code point: "É" → "e", "ﬁ" → "fi", "①" → "1", "🙂" → "🙂". */
function foldCodePoint(char: string): string {
  // Lower-casing can produce new combining marks ("İ" → "i̇"), hence NFKD on both sides of it.
  return char.normalize('NFKD').toLowerCase().normalize('NFKD').replace(combiningMark, '');
}

/** Case- and accent-free form of a whole text. */
export function foldText(text: string): string {
  let out = '';
  for (const char of text) out += foldCodePoint(char);
  return out;
}

interface FoldedChar {
  char: string;
  /** Where the code point it came from starts and ends in the original text. */
  start: number;
  end: number;
}

function foldWithOffsets(text: string): FoldedChar[] {
  const out: FoldedChar[] = [];
  let index = 0;
  for (const original of text) {
    const end = index + original.length;
    for (const char of foldCodePoint(original)) out.push({ char, start: index, end });
    index = end;
  }
  return out;
}

/**
 * The terms of a text with their positions. A '.' or ',' between two digits joins them ("3.14" → 314,
 * "1,000" → 1000), so numbers written with separators stay one term; every other non-letter,
 * non-digit character separates terms.
 */
export function tokenize(text: string): Token[] {
  const chars = foldWithOffsets(text);
  const tokens: Token[] = [];
  let term = '';
  let start = 0;
  let end = 0;
  const flush = () => {
    if (term) tokens.push({ term: Array.from(term).slice(0, maxTermLength).join(''), start, end });
    term = '';
  };
  for (let i = 0; i < chars.length; i++) {
    const current = chars[i] as FoldedChar;
    if (letterOrDigit.test(current.char)) {
      if (!term) start = current.start;
      term += current.char;
      end = current.end;
      continue;
    }
    const previous = chars[i - 1]?.char ?? '';
    const next = chars[i + 1]?.char ?? '';
    if ((current.char === '.' || current.char === ',') && digit.test(previous) && digit.test(next) && term) continue;
    flush();
  }
  flush();
  return tokens;
}

export function terms(text: string): string[] {
  return tokenize(text).map((token) => token.term);
}
