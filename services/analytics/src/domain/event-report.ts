// GET /analytics/events/{type}: the type's count and metric sum/min/max per day, and with `by=` the top 50 values
// of that attribute over the range.
import { ValidationError } from '@photonotes/shared/errors';
import { daysOf } from './days';
import type { DayRange } from './read-range';
import type { AggregatesReader, TypeDay } from './ports';
import { topCounts } from './top-counts';

export const byValuesSize = 50;
/** (day, value) counters one `by` read may gather: a high-cardinality attribute over a long range is refused. */
export const maxAttributeItems = 50_000;

export interface EventReport {
  type: string;
  days: Array<{ date: string; count: number; metrics: TypeDay['metrics'] }>;
  by: Array<{ value: string; count: number }>;
}

async function topValues(type: string, key: string, { from, to }: DayRange, reader: AggregatesReader): Promise<EventReport['by']> {
  const { items, truncated } = await reader.attributeCounts(type, key, from, to, maxAttributeItems);
  if (truncated) {
    throw new ValidationError('Request validation failed', [
      { location: 'query', path: 'by', message: `${key} has more than ${maxAttributeItems} values by day in this range: ask for a shorter range`, code: 'too_many_values' },
    ]);
  }
  const counts = new Map<string, number>();
  for (const { value, count } of items) counts.set(value, (counts.get(value) ?? 0) + count);
  return topCounts(counts, 'value', byValuesSize);
}

export async function readEventReport(type: string, range: DayRange, by: string | undefined, reader: AggregatesReader): Promise<EventReport> {
  const [typeDays, values] = await Promise.all([reader.typeDays(type, range.from, range.to), by === undefined ? [] : topValues(type, by, range, reader)]);
  const byDay = new Map(typeDays.map((item) => [item.day, item]));
  return {
    type,
    days: daysOf(range.from, range.to).map((date) => ({ date, count: byDay.get(date)?.count ?? 0, metrics: byDay.get(date)?.metrics ?? {} })),
    by: values,
  };
}
