// GET /analytics/summary: per day active users (exact, from the activity markers), new users, sessions (the day's
// sketch) and app events; over the range, active users and sessions as the count of the days' sketches merged
// (each actor or session once), and the top 20 event types, app and server events alike.
import type { DayRange } from './read-range';
import { daysOf } from './days';
import type { AggregatesReader } from './ports';
import type { DistinctSketch, SketchCodec } from './sketch';
import { topCounts } from './top-counts';

export const topEventsSize = 20;

export interface SummaryDay {
  date: string;
  activeUsers: number;
  newUsers: number;
  sessions: number;
  events: number;
}

export interface Summary {
  days: SummaryDay[];
  totals: { activeUsers: number; sessions: number; events: number };
  topEvents: Array<{ type: string; count: number }>;
}

export interface ReadDeps {
  reader: AggregatesReader;
  sketches: SketchCodec;
}

/** The range's distinct count: its days' sketches merged, kept between the busiest day and the sum of the days. */
function rangeCount(sketches: DistinctSketch[], daily: number[], codec: SketchCodec): number {
  const union = codec.empty();
  for (const sketch of sketches) union.merge(sketch);
  const busiest = Math.max(0, ...daily);
  const sum = daily.reduce((total, count) => total + count, 0);
  return Math.min(sum, Math.max(busiest, union.count()));
}

export async function readSummary({ from, to }: DayRange, deps: ReadDeps): Promise<Summary> {
  const [totals, typeCounts, actorSketches, sessionSketches] = await Promise.all([
    deps.reader.dayTotals(from, to),
    deps.reader.typeCounts(from, to),
    deps.reader.sketches('actors', from, to),
    deps.reader.sketches('sessions', from, to),
  ]);
  const totalsByDay = new Map(totals.map((item) => [item.day, item]));
  const decode = (items: Array<{ day: string; bytes: Uint8Array }>) => new Map(items.map(({ day, bytes }) => [day, deps.sketches.fromBytes(bytes)]));
  const actors = decode(actorSketches);
  const sessions = decode(sessionSketches);

  const days = daysOf(from, to).map((date) => {
    const dayTotals = totalsByDay.get(date);
    return {
      date,
      activeUsers: dayTotals?.activeUsers ?? 0,
      newUsers: dayTotals?.newUsers ?? 0,
      sessions: sessions.get(date)?.count() ?? 0,
      events: dayTotals?.events ?? 0,
    };
  });
  const types = new Map<string, number>();
  for (const { type, count } of typeCounts) types.set(type, (types.get(type) ?? 0) + count);
  return {
    days,
    totals: {
      activeUsers: rangeCount([...actors.values()], days.map((day) => day.activeUsers), deps.sketches),
      sessions: rangeCount([...sessions.values()], days.map((day) => day.sessions), deps.sketches),
      events: days.reduce((sum, day) => sum + day.events, 0),
    },
    topEvents: topCounts(types, 'type', topEventsSize),
  };
}
