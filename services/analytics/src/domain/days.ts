// UTC calendar days (`YYYY-MM-DD`) and weeks (named by their Monday), the units every aggregate is kept in.
// Dates compare as strings, so a range of days is a range of sort keys.

const dayMs = 86_400_000;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC day of an ISO-8601 UTC timestamp (`2026-11-28T09:00:00.000Z` → `2026-11-28`). */
export function dayOf(at: string): string {
  return at.slice(0, 10);
}

/** A real calendar date in `YYYY-MM-DD` (2026-02-30 is not one). */
export function isDate(value: string): boolean {
  const match = datePattern.exec(value);
  if (!match) return false;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(ms).toISOString().slice(0, 10) === value;
}

function epochDay(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) / dayMs;
}

export function addDays(day: string, days: number): string {
  return new Date((epochDay(day) + days) * dayMs).toISOString().slice(0, 10);
}

/** Days from `from` to `to` (0 for the same day; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** The Monday (UTC) of the week `day` is in: weeks start on Monday. */
export function mondayOf(day: string): string {
  // 1970-01-01 was a Thursday: epoch day 0 is weekday 3 counting from Monday.
  const weekday = (((epochDay(day) + 3) % 7) + 7) % 7;
  return addDays(day, -weekday);
}

/** Every day from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The Mondays of every week that has a day in `from`..`to`. */
export function weeksOf(from: string, to: string): string[] {
  const weeks: string[] = [];
  for (let monday = mondayOf(from); monday <= to; monday = addDays(monday, 7)) weeks.push(monday);
  return weeks;
}

/** Today's UTC date at `now`. */
export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}
