// The fresh events of one work, folded in memory into what the aggregates gain: counter increments per item (a day,
// a day's type, a type's day with its metric sums, an attribute value's day), min/max candidates per (day, type,
// metric), the values each day's sketches gain, and each actor's active days and weeks. Deterministic: the same
// rows, in any order, fold into the same deltas in the same order, which is what makes a retried work's counter
// chunks the same chunks (aggregates.ts).
import type { EventRow } from './batch';
import { isServerEvent } from './batch';
import { dayOf, mondayOf } from './days';
import type { SketchKind } from './sketch';

/** The items counters live in (adapters/keys.ts names them). */
export type CounterTarget =
  /** A day's totals: app `events`, `newUsers`, `activeUsers`. */
  | { item: 'day'; day: string }
  /** A day's count of one type: topEvents, app and server events alike. */
  | { item: 'dayType'; day: string; type: string }
  /** One type's day: `count` and the metric sums (GET /analytics/events/{type}). */
  | { item: 'typeDay'; type: string; day: string }
  /** How many events of a type carried an attribute with this value on a day (`by=`). */
  | { item: 'attribute'; type: string; key: string; value: string; day: string }
  /** Retention: the actors of a cohort (first seen in period `cohort`) active in period `active`. */
  | { item: 'cohort'; period: Period; cohort: string; active: string };

export type Period = 'day' | 'week';
export type CounterField = 'count' | 'events' | 'newUsers' | 'activeUsers';

export interface CounterDelta {
  target: CounterTarget;
  add: Partial<Record<CounterField, number>>;
  /** Metric sums (typeDay only). */
  sums?: Record<string, number>;
}

export interface ExtremesDelta {
  day: string;
  type: string;
  min: Record<string, number>;
  max: Record<string, number>;
}

export interface SketchDelta {
  kind: SketchKind;
  day: string;
  values: string[];
}

export interface ActorActivity {
  actor: string;
  /** The earliest day of the actor's app events in the work. */
  earliest: string;
  days: string[];
  /** Mondays. */
  weeks: string[];
}

export interface Deltas {
  counters: CounterDelta[];
  extremes: ExtremesDelta[];
  sketches: SketchDelta[];
  actors: ActorActivity[];
}

/** One string per target, the same for equal targets: merging and the deterministic order both use it. */
export function targetId(target: CounterTarget): string {
  switch (target.item) {
    case 'day':
      return JSON.stringify([target.item, target.day]);
    case 'dayType':
      return JSON.stringify([target.item, target.day, target.type]);
    case 'typeDay':
      return JSON.stringify([target.item, target.type, target.day]);
    case 'attribute':
      return JSON.stringify([target.item, target.type, target.key, target.value, target.day]);
    case 'cohort':
      return JSON.stringify([target.item, target.period, target.cohort, target.active]);
  }
}

// DynamoDB numbers span 1E-130 to 9.99E+125 in magnitude: a finite double outside that would fail every write of
// its work, forever. Such a metric value is left out of sums, minima and maxima (its event still counts).
const largestStorable = 1e125;
const smallestStorable = 1e-130;

/** The value as DynamoDB can keep it, or null for one it cannot (a magnitude of 1e125 or more). */
export function storable(value: number): number | null {
  const magnitude = Math.abs(value);
  if (magnitude >= largestStorable) return null;
  return magnitude < smallestStorable ? 0 : value;
}

/**
 * A record's own value: metric names are the apps' own, and "constructor" or "toString" must not read what every
 * object inherits.
 */
export function own(record: Record<string, number> | undefined, key: string): number | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Sums counter deltas per target, dropping zeros; ordered by target. */
export function mergeCounters(deltas: Iterable<CounterDelta>): CounterDelta[] {
  const merged = new Map<string, CounterDelta>();
  for (const delta of deltas) {
    const id = targetId(delta.target);
    const into = merged.get(id) ?? { target: delta.target, add: {} };
    for (const [field, amount] of Object.entries(delta.add) as Array<[CounterField, number]>) into.add[field] = (into.add[field] ?? 0) + amount;
    if (delta.sums) {
      into.sums ??= {};
      for (const [metric, sum] of Object.entries(delta.sums)) into.sums[metric] = (own(into.sums, metric) ?? 0) + sum;
    }
    merged.set(id, into);
  }
  const kept = [...merged].filter(([, delta]) => Object.values(delta.add).some((amount) => amount !== 0) || Object.keys(delta.sums ?? {}).length > 0);
  return kept.sort(([a], [b]) => compare(a, b)).map(([, delta]) => delta);
}

function bucket<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

export function foldRows(rows: EventRow[]): Deltas {
  const counters: CounterDelta[] = [];
  const extremes = new Map<string, ExtremesDelta>();
  const sketches = new Map<string, { kind: SketchKind; day: string; values: Set<string> }>();
  const actors = new Map<string, { days: Set<string>; weeks: Set<string> }>();

  // By id: float sums then add up in the same order whatever order the rows came in.
  for (const row of [...rows].sort((a, b) => compare(a.id, b.id))) {
    const day = dayOf(row.at);
    const sums: Record<string, number> = {};
    const range = bucket(extremes, JSON.stringify([day, row.type]), (): ExtremesDelta => ({ day, type: row.type, min: {}, max: {} }));
    for (const [metric, raw] of Object.entries(row.metrics)) {
      const value = storable(raw);
      if (value === null) continue;
      sums[metric] = value;
      const [min, max] = [own(range.min, metric), own(range.max, metric)];
      if (min === undefined || value < min) range.min[metric] = value;
      if (max === undefined || value > max) range.max[metric] = value;
    }
    counters.push({ target: { item: 'dayType', day, type: row.type }, add: { count: 1 } });
    counters.push({ target: { item: 'typeDay', type: row.type, day }, add: { count: 1 }, sums });
    for (const [key, value] of Object.entries(row.attributes)) counters.push({ target: { item: 'attribute', type: row.type, key, value, day }, add: { count: 1 } });

    // Server events count as events of their type; they make no one active and open no session.
    if (isServerEvent(row.type)) continue;
    counters.push({ target: { item: 'day', day }, add: { events: 1 } });
    bucket(sketches, `actors#${day}`, () => ({ kind: 'actors' as const, day, values: new Set<string>() })).values.add(row.actor);
    if (row.session_id !== null) bucket(sketches, `sessions#${day}`, () => ({ kind: 'sessions' as const, day, values: new Set<string>() })).values.add(row.session_id);
    const activity = bucket(actors, row.actor, () => ({ days: new Set<string>(), weeks: new Set<string>() }));
    activity.days.add(day);
    activity.weeks.add(mondayOf(day));
  }

  const ordered = <T>(map: Map<string, T>) => [...map].sort(([a], [b]) => compare(a, b)).map(([, value]) => value);
  return {
    counters: mergeCounters(counters),
    extremes: ordered(extremes).filter((range) => Object.keys(range.min).length > 0),
    sketches: ordered(sketches).map(({ kind, day, values }) => ({ kind, day, values: [...values].sort(compare) })),
    actors: [...actors]
      .sort(([a], [b]) => compare(a, b))
      .map(([actor, { days, weeks }]) => {
        const sortedDays = [...days].sort(compare);
        return { actor, earliest: sortedDays[0] as string, days: sortedDays, weeks: [...weeks].sort(compare) };
      }),
  };
}
