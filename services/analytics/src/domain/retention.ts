// GET /analytics/retention: per cohort (the actors first seen in a day, or a week starting on Monday) its size and
// how many of its actors were active in that period and each later one up to `to` (`retained[0]` = `size`). Weeks
// are those with a day in the range, so the first cohort may start before `from`.
import type { Period } from './aggregate-deltas';
import { daysOf, weeksOf } from './days';
import type { DayRange } from './read-range';
import type { AggregatesReader } from './ports';

export interface Retention {
  cohorts: Array<{ start: string; size: number; retained: number[] }>;
}

export async function readRetention({ from, to }: DayRange, period: Period, reader: AggregatesReader): Promise<Retention> {
  const periods = period === 'day' ? daysOf(from, to) : weeksOf(from, to);
  const cells = await reader.cohortCells(period, periods[0] as string, to);
  const counts = new Map(cells.map(({ cohort, active, count }) => [`${cohort}|${active}`, count]));
  return {
    cohorts: periods.map((start, index) => {
      const retained = periods.slice(index).map((active) => counts.get(`${start}|${active}`) ?? 0);
      return { start, size: retained[0] as number, retained };
    }),
  };
}
