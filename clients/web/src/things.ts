// The things screens' logic: reading the registration and desired-state forms as the contract limits them (so a
// mistake is explained before the API's 400), alert rules in and out of the form, and the readings a chart shows
// (the telemetry page first, then the live `thing.telemetry` messages).
import type { Schemas } from '@photonotes/client';

export type Thing = Schemas['Thing'];
export type ThingDetails = Schemas['ThingDetails'];
export type ThingState = Schemas['ThingState'];
export type AlertRule = Schemas['ThingAlertRules']['rules'][number];
export type Credentials = Schemas['ThingCredentials'];

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const attributeKey = /^[A-Za-z0-9_.-]{1,40}$/;

/** "key=value" lines (blank lines skipped) → attributes: at most 20, keys `[A-Za-z0-9_.-]{1,40}`, values ≤ 200 chars. */
export function parseAttributes(text: string): Parsed<Record<string, string>> {
  const attributes: Record<string, string> = {};
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  for (const [index, line] of lines.entries()) {
    const eq = line.indexOf('=');
    if (eq < 0) return { ok: false, error: `Line ${index + 1}: write key=value.` };
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (!attributeKey.test(key)) return { ok: false, error: `Line ${index + 1}: a key is 1 to 40 letters, digits, "_", "." or "-".` };
    if (value.length > 200) return { ok: false, error: `Line ${index + 1}: a value is at most 200 characters.` };
    if (key in attributes) return { ok: false, error: `Line ${index + 1}: the key "${key}" is given twice.` };
    attributes[key] = value;
  }
  if (Object.keys(attributes).length > 20) return { ok: false, error: 'At most 20 attributes.' };
  return { ok: true, value: attributes };
}

export function parseThingName(text: string): Parsed<string> {
  const name = text.trim();
  if (name.length === 0) return { ok: false, error: 'Give the thing a name.' };
  if (name.length > 80) return { ok: false, error: 'A name is at most 80 characters.' };
  return { ok: true, value: name };
}

function depth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depth));
}

/** The desired-state form: a JSON object (null removes a key), at most 8 KB of JSON, depth 4. */
export function parseDesired(text: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'Desired state must be valid JSON, for example {"targetTemp": 21}.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'Desired state must be a JSON object, for example {"targetTemp": 21}.' };
  if (Object.keys(value).length === 0) return { ok: false, error: 'Desired state needs at least one key.' };
  if (new TextEncoder().encode(JSON.stringify(value)).length > 8192) return { ok: false, error: 'Desired state is at most 8 KB of JSON.' };
  if (depth(value) > 4) return { ok: false, error: 'Desired state nests at most 4 levels deep.' };
  return { ok: true, value: value as Record<string, unknown> };
}

export const alertOps: Record<AlertRule['op'], string> = { gt: 'above', gte: 'at or above', lt: 'below', lte: 'at or below' };
const metricName = /^[a-z0-9_.]{1,40}$/;

export interface RuleDraft {
  metric: string;
  op: string;
  threshold: string;
  forSeconds: string;
}

/** One rule of the "add a rule" form; the rule set holds at most 10. */
export function parseRule(draft: RuleDraft, existing: AlertRule[]): Parsed<Omit<AlertRule, 'id'>> {
  const metric = draft.metric.trim();
  if (!metricName.test(metric)) return { ok: false, error: 'A metric is 1 to 40 lowercase letters, digits, "_" or ".".' };
  if (!(draft.op in alertOps)) return { ok: false, error: 'Choose a condition.' };
  const threshold = Number(draft.threshold);
  if (draft.threshold.trim() === '' || !Number.isFinite(threshold)) return { ok: false, error: 'The threshold is a number.' };
  const forSeconds = draft.forSeconds.trim() === '' ? 0 : Number(draft.forSeconds);
  if (!Number.isInteger(forSeconds) || forSeconds < 0 || forSeconds > 3600) return { ok: false, error: 'Held for is a whole number of seconds from 0 to 3600.' };
  if (existing.length >= 10) return { ok: false, error: 'A thing has at most 10 alert rules.' };
  return { ok: true, value: { metric, op: draft.op as AlertRule['op'], threshold, forSeconds } };
}

/** "temp above 30 for 60 s". */
export function describeRule(rule: Omit<AlertRule, 'id'>): string {
  return `${rule.metric} ${alertOps[rule.op]} ${rule.threshold}${rule.forSeconds > 0 ? ` for ${rule.forSeconds} s` : ''}`;
}

/** A chart's points: time (ms) and value, oldest first. */
export interface Point {
  t: number;
  v: number;
}

/** The most points a chart keeps (older ones fall off the left). */
export const maxPoints = 500;

/** Adds readings by time; a reading at a time already shown replaces it (as the API stores it). */
export function addPoints(series: Point[], incoming: Point[], limit = maxPoints): Point[] {
  const byTime = new Map(series.map((point) => [point.t, point]));
  for (const point of incoming) if (Number.isFinite(point.t) && Number.isFinite(point.v)) byTime.set(point.t, point);
  return [...byTime.values()].sort((a, b) => a.t - b.t).slice(-limit);
}

/** A telemetry page's items as points: raw `value`, or a bucket's `avg`. */
export function pointsOf(items: Schemas['TelemetryPage']['items']): Point[] {
  return items.map((item) => ({ t: Date.parse(item.at), v: 'value' in item ? item.value : item.avg }));
}

/** Adds a `thing.telemetry` message's metrics to the series by metric name. */
export function addReading(series: Record<string, Point[]>, at: string, metrics: Record<string, number>): Record<string, Point[]> {
  const t = Date.parse(at);
  const next = { ...series };
  for (const [metric, v] of Object.entries(metrics)) next[metric] = addPoints(next[metric] ?? [], [{ t, v }]);
  return next;
}

/** The SVG path of a line chart of `points` in a `width` × `height` box (y grows downwards), and its scales. */
export function linePath(points: Point[], width: number, height: number): { d: string; min: number; max: number } {
  if (points.length === 0) return { d: '', min: 0, max: 0 };
  const ts = points.map((point) => point.t);
  const vs = points.map((point) => point.v);
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts);
  const min = Math.min(...vs);
  const max = Math.max(...vs);
  const x = (t: number) => (t1 === t0 ? width / 2 : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number) => (max === min ? height / 2 : height - ((v - min) / (max - min)) * height);
  const d = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(point.t).toFixed(1)},${y(point.v).toFixed(1)}`).join(' ');
  return { d, min, max };
}

/** The chart's text alternative: "temp: latest 21.5 at 09:00:00; 12 readings from 19 to 23.5". */
export function chartSummary(metric: string, points: Point[]): string {
  const last = points.at(-1);
  if (!last) return `${metric}: no readings yet.`;
  const vs = points.map((point) => point.v);
  return `${metric}: latest ${formatNumber(last.v)} at ${new Date(last.t).toISOString().slice(11, 19)} UTC; ${points.length} ${points.length === 1 ? 'reading' : 'readings'} from ${formatNumber(Math.min(...vs))} to ${formatNumber(Math.max(...vs))}.`;
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
}

/** Applies a `thing.state` message to the thing the page shows. */
export function withState(thing: ThingDetails, message: { online: boolean; state: ThingState }): ThingDetails {
  return message.state.version >= thing.state.version ? { ...thing, online: message.online, state: message.state } : { ...thing, online: message.online };
}

/**
 * The things to list: `listed` (a first page the API answered) with `registered` (things this screen just
 * registered) first when the page does not have them yet, each thing once. The page and a registration can cross
 * in flight: the page may or may not hold the new thing, and may arrive after it was added.
 */
export function mergeThings(listed: Thing[], registered: Thing[]): Thing[] {
  const known = new Set(listed.map((thing) => thing.thingId));
  const extra = registered.filter((thing, index) => !known.has(thing.thingId) && registered.findIndex((other) => other.thingId === thing.thingId) === index);
  return [...extra, ...listed];
}
