// Every key of the aggregates table (TABLES.md lists the items). Days are UTC dates (YYYY-MM-DD), so a range of
// days is a range of sort keys; where a sort key is `<date>#<name>`, `<date>$` ends the date's run ('$' follows
// '#'), so one Query with BETWEEN reads a range of days of every name.
import type { Period } from '../domain/aggregate-deltas';
import type { SketchKind } from '../domain/sketch';

/** The sort key past every `<day>#…` of `day`. */
const afterDay = (day: string) => `${day}$`;

export const keys = {
  /** An install's batches in one second (epoch seconds). */
  installRate: (installId: string, second: number) => ({ pk: `INSTALL#${installId}`, sk: `RATE#${second}` }),
  /** A claimed event id (7 days): who claimed it. */
  eventClaim: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'CLAIM' }),

  /** A counter chunk of a work was applied (2 days). */
  appliedChunk: (workId: string, chunk: number) => ({ pk: `APPLIED#${workId}#${chunk}`, sk: 'APPLIED' }),
  /** A day's totals: app events, new users, active users. */
  dayTotals: (day: string) => ({ pk: 'TOTALS', sk: day }),
  dayTotalsRange: (from: string, to: string) => ({ pk: 'TOTALS', from, to }),
  /** One type's count on one day; the `TYPES` partition holds every type's, for topEvents. */
  dayType: (day: string, type: string) => ({ pk: 'TYPES', sk: `${day}#${type}` }),
  dayTypeRange: (from: string, to: string) => ({ pk: 'TYPES', from, to: afterDay(to) }),
  /** One type's day: count, `sum:<metric>`, `min:<metric>`, `max:<metric>`. */
  typeDay: (type: string, day: string) => ({ pk: `TYPE#${type}`, sk: day }),
  typeDayRange: (type: string, from: string, to: string) => ({ pk: `TYPE#${type}`, from, to }),
  /** The events of a type carrying attribute `key` = `value` on a day. */
  attributeValue: (type: string, key: string, value: string, day: string) => ({ pk: `ATTR#${type}#${key}`, sk: `${day}#${value}` }),
  attributeRange: (type: string, key: string, from: string, to: string) => ({ pk: `ATTR#${type}#${key}`, from, to: afterDay(to) }),
  /** A day's sketch of active actors or of sessions. */
  sketch: (kind: SketchKind, day: string) => ({ pk: `HLL#${kind}`, sk: day }),
  sketchRange: (kind: SketchKind, from: string, to: string) => ({ pk: `HLL#${kind}`, from, to }),
  /** The actors of a cohort (first seen in period `cohort`) active in period `active`. */
  cohortCell: (period: Period, cohort: string, active: string) => ({ pk: `COHORTS#${period}`, sk: `${cohort}#${active}` }),
  cohortRange: (period: Period, from: string, to: string) => ({ pk: `COHORTS#${period}`, from, to: afterDay(to) }),
  /** An actor's first day (of an app event). */
  actorFirst: (actor: string) => ({ pk: `ACTOR#${actor}`, sk: 'FIRST' }),
  /** The actor was active on a day, or in a week (its Monday). */
  actorMarker: (actor: string, period: Period, start: string) => ({ pk: `ACTOR#${actor}`, sk: `${period === 'day' ? 'DAY' : 'WEEK'}#${start}` }),
  actorPartition: (actor: string) => ({ pk: `ACTOR#${actor}` }),
};

/** `<day>#<name>` sort keys back into their parts. */
export function splitDaySk(sk: string): { day: string; name: string } {
  return { day: sk.slice(0, 10), name: sk.slice(11) };
}

/** A marker's sort key back into its period and start; undefined for the actor's other items. */
export function markerOfSk(sk: string): { period: Period; start: string } | undefined {
  if (sk.startsWith('DAY#')) return { period: 'day', start: sk.slice(4) };
  if (sk.startsWith('WEEK#')) return { period: 'week', start: sk.slice(5) };
  return undefined;
}
