// Every key of the search index table, built here and nowhere else (services/search/TABLES.md):
//   doc      pk DOC#<noteId>                     sk DOC                          per-note record (IndexedDoc)
//   posting  pk USER#<userId>#<b> | PUBLIC#<b>   sk <term>#<9999-impact>#<noteId>
//   share    pk SHARED#<userId>                  sk <noteId>                     a note shared with the user
// where <b> is the term's first `minPrefixLength` characters. One partition holds a principal's terms
// that start alike, sorted by term, then best impact first: a term is `begins_with(sk, "<term>#")`, a
// prefix `begins_with(sk, "<prefix>")`, each a single Query. Terms are letters and digits only, and user
// ids carry no '#', so the separators cannot be forged. A user's share entries are one partition, read with
// one Query.
import { maxImpact } from '../domain/scoring';
import { minPrefixLength } from '../domain/ports';
import { publicPrincipal } from '../domain/index-entry';
import type { Posting } from '../domain/index-entry';

export interface TableKey {
  pk: string;
  sk: string;
}

export const entities = { doc: 'doc', share: 'share' } as const;

const userPrefix = 'user:';

function principalKey(principal: string): string {
  if (principal === publicPrincipal) return 'PUBLIC';
  if (principal.startsWith(userPrefix)) return `USER#${principal.slice(userPrefix.length)}`;
  throw new Error(`Unknown principal ${principal}`);
}

const bucket = (term: string): string => Array.from(term).slice(0, minPrefixLength).join('');

/** Impact codes sort best-first in ascending order. */
const impactCode = (impact: number): string => String(maxImpact - impact).padStart(String(maxImpact).length, '0');

export const keys = {
  doc: (noteId: string): TableKey => ({ pk: `DOC#${noteId}`, sk: 'DOC' }),
  posting: (noteId: string, posting: Posting): TableKey => ({
    pk: `${principalKey(posting.principal)}#${bucket(posting.term)}`,
    sk: `${posting.term}#${impactCode(posting.impact)}#${noteId}`,
  }),
  /** The partition and sort-key prefix that hold a term's postings (or a prefix's). */
  postingRange: (principal: string, term: string, prefix: boolean): { pk: string; skPrefix: string } => ({
    pk: `${principalKey(principal)}#${bucket(term)}`,
    skPrefix: prefix ? term : `${term}#`,
  }),
  share: (userId: string, noteId: string): TableKey => ({ pk: `SHARED#${userId}`, sk: noteId }),
  sharesOf: (userId: string): string => `SHARED#${userId}`,
  parsePostingSortKey(sk: string): { term: string; impact: number; noteId: string } | undefined {
    const [term, code, noteId, extra] = sk.split('#');
    if (!term || !code || !noteId || extra !== undefined) return undefined;
    return { term, impact: maxImpact - Number(code), noteId };
  },
};
