// Text measured as people count it.

/** The number of characters as people count them: an emoji is one, not two UTF-16 units. */
export function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}
