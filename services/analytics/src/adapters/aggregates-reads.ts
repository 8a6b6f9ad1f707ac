// The aggregates table as the admin reads see it: each answer is one key-range Query of one partition (the day
// sketches, up to 12 KB each, in month-long slices side by side, so no slice passes a 1 MB page). No Scan.
import type { DocumentSender, QueryAllInput } from '@photonotes/shared/dynamodb';
import { QueryLimitExceededError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import { addDays } from '../domain/days';
import type { AggregatesReader, TypeDay } from '../domain/ports';
import { keys, splitDaySk } from './keys';

/** Days per sketch Query: 31 dense sketches are about 380 KB, one page. */
const sketchSliceDays = 31;
/** A range is at most 366 days; types, values and cohort cells per range are bounded by these caps. */
const maxRangeItems = { totals: 400, types: 100_000, cohorts: 100_000 } as const;

interface Counted {
  pk: string;
  sk: string;
  count?: number;
}

type Range = { pk: string; from: string; to: string };

function between(range: Range, extra: Partial<QueryAllInput> = {}): QueryAllInput {
  return {
    keyCondition: 'pk = :pk AND sk BETWEEN :from AND :to',
    values: { ':pk': range.pk, ':from': range.from, ':to': range.to },
    maxItems: maxRangeItems.types,
    ...extra,
  };
}

function metricsOf(item: Record<string, unknown>): TypeDay['metrics'] {
  const metrics: TypeDay['metrics'] = {};
  for (const [attribute, sum] of Object.entries(item)) {
    if (!attribute.startsWith('sum:') || typeof sum !== 'number') continue;
    const metric = attribute.slice(4);
    const min = item[`min:${metric}`];
    const max = item[`max:${metric}`];
    // Extremes land just after the sums (processEvents' next step): a metric shows once it has all three.
    if (typeof min === 'number' && typeof max === 'number') metrics[metric] = { sum, min, max };
  }
  return metrics;
}

export function aggregatesReads({ tableName, client = documentClient() }: { tableName: string; client?: DocumentSender }): AggregatesReader {
  const table = tableClient({ tableName, client });
  const all = async <T>(input: QueryAllInput): Promise<T[]> => {
    const items: T[] = [];
    for await (const item of table.queryAll<T>(input)) items.push(item);
    return items;
  };
  return {
    async dayTotals(from, to) {
      const items = await all<{ sk: string; events?: number; newUsers?: number; activeUsers?: number }>(between(keys.dayTotalsRange(from, to), { maxItems: maxRangeItems.totals }));
      return items.map((item) => ({ day: item.sk, events: item.events ?? 0, newUsers: item.newUsers ?? 0, activeUsers: item.activeUsers ?? 0 }));
    },

    async typeCounts(from, to) {
      const items = await all<Counted>(between(keys.dayTypeRange(from, to)));
      return items.map((item) => {
        const { day, name } = splitDaySk(item.sk);
        return { day, type: name, count: item.count ?? 0 };
      });
    },

    async sketches(kind, from, to) {
      const slices: Array<[string, string]> = [];
      for (let start = from; start <= to; start = addDays(start, sketchSliceDays)) {
        const end = addDays(start, sketchSliceDays - 1);
        slices.push([start, end < to ? end : to]);
      }
      const read = await Promise.all(
        slices.map(([start, end]) =>
          all<{ sk: string; sketch: Uint8Array }>(between(keys.sketchRange(kind, start, end), { maxItems: maxRangeItems.totals, projection: '#sk, #sketch', names: { '#sk': 'sk', '#sketch': 'sketch' } })),
        ),
      );
      return read.flat().map((item) => ({ day: item.sk, bytes: item.sketch }));
    },

    async typeDays(type, from, to) {
      const items = await all<Record<string, unknown> & { sk: string; count?: number }>(between(keys.typeDayRange(type, from, to), { maxItems: maxRangeItems.totals }));
      return items.map((item) => ({ day: item.sk, count: item.count ?? 0, metrics: metricsOf(item) }));
    },

    async attributeCounts(type, key, from, to, maxItems) {
      const items: Array<{ day: string; value: string; count: number }> = [];
      try {
        for await (const item of table.queryAll<Counted>(between(keys.attributeRange(type, key, from, to), { maxItems }))) {
          const { day, name } = splitDaySk(item.sk);
          items.push({ day, value: name, count: item.count ?? 0 });
        }
      } catch (err) {
        if (err instanceof QueryLimitExceededError) return { items, truncated: true };
        throw err;
      }
      return { items, truncated: false };
    },

    async cohortCells(period, from, to) {
      const items = await all<Counted>(between(keys.cohortRange(period, from, to), { maxItems: maxRangeItems.cohorts }));
      return items.flatMap((item) => {
        const { day: cohort, name: active } = splitDaySk(item.sk);
        // Cells of periods after `to` are in the key range too (their cohort is in it): not asked for.
        return active <= to ? [{ cohort, active, count: item.count ?? 0 }] : [];
      });
    },
  };
}
