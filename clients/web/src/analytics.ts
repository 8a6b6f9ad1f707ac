// The admin screen's logic: the date range (UTC days, both ends inclusive, at most 366 days, defaulting to the
// last 7 days) and the numbers a small bar chart needs.

export interface DateRange {
  from: string;
  to: string;
}

const dayMs = 86_400_000;
const isoDay = /^\d{4}-\d{2}-\d{2}$/;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The last 7 days, today (UTC) included. */
export function lastDays(now: Date, days = 7): DateRange {
  const today = Math.floor(now.getTime() / dayMs) * dayMs;
  return { from: utcDay(today - (days - 1) * dayMs), to: utcDay(today) };
}

/** The range as the API takes it, or why not. */
export function checkRange(range: DateRange): string | null {
  if (!isoDay.test(range.from) || Number.isNaN(Date.parse(range.from))) return 'Choose a start date.';
  if (!isoDay.test(range.to) || Number.isNaN(Date.parse(range.to))) return 'Choose an end date.';
  const days = (Date.parse(range.to) - Date.parse(range.from)) / dayMs + 1;
  if (days < 1) return 'The start date is after the end date.';
  if (days > 366) return 'A range is at most 366 days.';
  return null;
}

/** Bars of a small chart: each value's height in a box of `height`, scaled to the largest. */
export function bars(values: number[], height: number): number[] {
  const max = Math.max(0, ...values);
  return values.map((value) => (max === 0 ? 0 : Math.round((value / max) * height * 10) / 10));
}

/** An event type as the API takes it in the path. */
export const eventType = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A retention cell: "3 (60 %)". */
export function retentionCell(retained: number, size: number): string {
  return size === 0 ? String(retained) : `${retained} (${Math.round((retained / size) * 100)} %)`;
}
