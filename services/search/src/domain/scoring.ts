// BM25F-style relevance. At index time each (note, term) gets an *impact*: the saturated, length-normalised,
// field-weighted term frequency, stored as an integer code in the posting's sort key so postings read
// best-first. At query time a note's score is the sum over query terms of idf × impact.
//
// Why fixed average lengths: with live corpus averages, every write would change every other note's
// impacts; with priors, a posting only changes when its own note changes, which keeps postings
// impact-ordered and lets a re-index delete exactly the stale ones. Lengths are quantised for the same
// reason: a small edit of a long body does not rewrite all of its postings.

export type Field = 'title' | 'tags' | 'body';

// A title match outweighs a tag, a tag outweighs a single body mention; b = 0.5 caps the boost of a very
// short field at 2× (0.75, the textbook value, lets a one-word body outrank a title).
export const fieldWeights: Record<Field, number> = { title: 4, tags: 2.5, body: 1 };
const lengthNormalisation: Record<Field, number> = { title: 0.5, tags: 0, body: 0.5 };
const averageLengthPrior: Record<Field, number> = { title: 6, tags: 3, body: 60 };
const k1 = 1.2;

/** Impacts are stored as integers 1..maxImpact. */
export const maxImpact = 9999;

/**
 * The visible collection's size differs per caller and counting it would cost writes on every change,
 * so idf uses this prior for N and the postings actually read for df.
 */
export const collectionSizePrior = 10_000;

export type FieldCounts = Record<Field, number>;

/** Exact up to 16, then on a 10 % geometric grid: small edits of a long field keep its normalised length. */
export function quantiseLength(length: number): number {
  if (length <= 16) return length;
  return Math.round(1.1 ** Math.round(Math.log(length) / Math.log(1.1)));
}

export function impactOf(frequencies: FieldCounts, lengths: FieldCounts): number {
  let weighted = 0;
  for (const field of ['title', 'tags', 'body'] as const) {
    const tf = frequencies[field];
    if (tf === 0) continue;
    const b = lengthNormalisation[field];
    const norm = 1 - b + (b * quantiseLength(lengths[field])) / averageLengthPrior[field];
    weighted += (fieldWeights[field] * tf) / norm;
  }
  const saturated = weighted / (k1 + weighted);
  return Math.min(maxImpact, Math.max(1, Math.round(saturated * maxImpact)));
}

export function idf(documentFrequency: number): number {
  const df = Math.min(Math.max(documentFrequency, 1), collectionSizePrior);
  return Math.log(1 + (collectionSizePrior - df + 0.5) / (df + 0.5));
}

/** One query term's contribution to a note's score. */
export function termScore(impact: number, documentFrequency: number): number {
  return idf(documentFrequency) * (k1 + 1) * (impact / maxImpact);
}

/** Scores are shown and compared with 4 decimals, so a cursor's score matches the listed one exactly. */
export function roundScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
