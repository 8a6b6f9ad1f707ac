// The largest counts first (ties by name), the top `size` of them: topEvents, and the values of `by=`.
export function topCounts<K extends string>(counts: Map<string, number>, key: K, size: number): Array<Record<K, string> & { count: number }> {
  return [...counts]
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, size)
    .map(([name, count]) => ({ [key]: name, count }) as Record<K, string> & { count: number });
}
