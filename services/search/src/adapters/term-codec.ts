// Term → impact maps as stored: one string, "term:impact" pairs separated by spaces. A DynamoDB map of that many
// attributes is read an order of magnitude slower (DynamoDB Local and the SDK's unmarshalling both walk every
// attribute: 221 share entries took ~60 ms to read as maps, ~10 ms as strings). Terms are letters and digits
// only (domain/text.ts), so neither separator can occur in one.

export function encodeTerms(terms: Record<string, number>): string {
  return Object.entries(terms)
    .map(([term, impact]) => `${term}:${impact}`)
    .join(' ');
}

/** Reads a stored string, or a map as records written before this encoding held them. */
export function decodeTerms(stored: unknown): Record<string, number> {
  if (typeof stored !== 'string') return stored && typeof stored === 'object' ? Object.fromEntries(Object.entries(stored).map(([term, impact]) => [term, Number(impact)])) : {};
  const terms: Record<string, number> = {};
  if (stored === '') return terms;
  for (const pair of stored.split(' ')) {
    const at = pair.lastIndexOf(':');
    // Defined as an own property: a term may be any word, "__proto__" included.
    Object.defineProperty(terms, pair.slice(0, at), { value: Number(pair.slice(at + 1)), enumerable: true, writable: true, configurable: true });
  }
  return terms;
}
