// Helpers the in-memory stores share: copies (so callers never hold stored objects), a yield to the event
// loop before every operation (so operations started together interleave like concurrent Lambdas), paging.
import type { Page, PageRequest } from '../../../src/domain/ports';

export const clone = <T>(value: T): T => structuredClone(value);
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function paginate<T>(items: T[], page: PageRequest): Page<T> {
  const start = page.cursor === undefined ? 0 : Number(page.cursor);
  const slice = items.slice(start, start + page.limit);
  const next = start + page.limit;
  return { items: slice, nextCursor: next < items.length ? String(next) : null };
}
