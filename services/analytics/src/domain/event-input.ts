// POST /analytics/events: the envelope (zod/mini; anything but this shape is a 400 for the whole batch) and the
// judging of each event on its own (a bad one is rejected with its index and a reason, the others are kept).
// Limits are API.md's, which are Pinpoint's: 100 events a batch, 40 attributes and 40 metrics an event, keys of
// at most 50 characters, values of at most 200.
import * as z from 'zod/mini';
import { codePoints } from '@photonotes/shared/text';

export const eventLimits = {
  events: 100,
  attributes: 40,
  metrics: 40,
  key: 50,
  attributeValue: 200,
  type: 64,
  appVersion: 50,
  /** How far ahead of the server's clock an event's `at` may be. */
  aheadMs: 24 * 3600_000,
  /** How old an event may be. */
  maxAgeMs: 30 * 24 * 3600_000,
} as const;

/** The three standard events, the only types that may start with "_". */
export const standardTypes = ['_session.start', '_session.stop', '_screen.view'] as const;
/** Types the backend records itself (server-events.ts); an app may not send them. */
export const serverTypePrefix = 'server.';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const typePattern = /^[A-Za-z0-9_.:-]{1,64}$/;
const keyPattern = /^[A-Za-z0-9_.-]{1,50}$/;
// Strict ISO-8601 with a zone: what the contract's timestamps are. Date.parse alone accepts far more.
const isoPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Every field in range: Date.parse rolls 2026-11-31 over into December 1 instead of refusing it. */
function inCalendar(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second = '0', zoneHour = '0', zoneMinute = '0'] = match.slice(1);
  const n = (part: string | undefined) => Number(part);
  if (n(month) < 1 || n(month) > 12 || n(day) < 1) return false;
  if (n(day) > new Date(Date.UTC(n(year), n(month), 0)).getUTCDate()) return false;
  return n(hour) <= 23 && n(minute) <= 59 && n(second) <= 59 && n(zoneHour) <= 23 && n(zoneMinute) <= 59;
}

// Something@something.tld anywhere in a value: personal data has no place in analytics attributes.
const emailPattern = /[^\s@<>()[\]{}",;:]+@[^\s@<>()[\]{}",;:]+\.[A-Za-z]{2,}/;

export const platforms = ['ios', 'android', 'web'] as const;
export type Platform = (typeof platforms)[number];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const ingestEnvelope = z.object({
  installId: z.string().check(z.regex(uuidPattern, 'installId must be a UUID')),
  appVersion: z.optional(
    z.string().check(z.minLength(1), z.maxLength(eventLimits.appVersion), z.regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, 'appVersion must be printable ASCII')),
  ),
  platform: z.optional(z.enum(platforms)),
  events: z.array(z.custom<Record<string, unknown>>(isObject, 'every event must be an object')).check(z.minLength(1), z.maxLength(eventLimits.events)),
});

export type IngestEnvelope = z.output<typeof ingestEnvelope>;

/** An accepted event as the pipeline carries it: what the app sent, normalised (times in UTC with milliseconds). */
export interface EventInput {
  id: string;
  type: string;
  at: string;
  sessionId: string | null;
  attributes: Record<string, string>;
  metrics: Record<string, number>;
}

export type Judged = { ok: true; event: EventInput } | { ok: false; reason: string };

function judgeType(type: unknown): string | null {
  if (typeof type !== 'string' || !typePattern.test(type)) return `type must be 1 to ${eventLimits.type} of A-Z a-z 0-9 _ . : -`;
  if (type.startsWith(serverTypePrefix)) return `types starting with "${serverTypePrefix}" are reserved for the backend`;
  if (type.startsWith('_') && !(standardTypes as readonly string[]).includes(type)) return `the only types starting with "_" are ${standardTypes.join(', ')}`;
  return null;
}

function judgeAt(at: unknown, receivedAt: number): { at: string } | { reason: string } {
  const match = typeof at === 'string' ? isoPattern.exec(at) : null;
  if (!match || !inCalendar(match)) return { reason: 'at must be an ISO-8601 date-time with a zone' };
  const ms = Date.parse(match[0]);
  if (!Number.isFinite(ms)) return { reason: 'at must be an ISO-8601 date-time with a zone' };
  if (ms > receivedAt + eventLimits.aheadMs) return { reason: 'at is more than 24 h ahead of the server clock' };
  if (ms < receivedAt - eventLimits.maxAgeMs) return { reason: 'at is more than 30 days old' };
  return { at: new Date(ms).toISOString() };
}

function judgeAttributes(value: unknown): { attributes: Record<string, string> } | { reason: string } {
  if (value === undefined) return { attributes: {} };
  if (!isObject(value)) return { reason: 'attributes must be an object of strings' };
  const entries = Object.entries(value);
  if (entries.length > eventLimits.attributes) return { reason: `at most ${eventLimits.attributes} attributes` };
  // "__proto__" is refused as a key: no object along the way may turn it into a prototype.
  const attributes: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (!keyPattern.test(key) || key === '__proto__') return { reason: `attribute key "${key.slice(0, 60)}" must be 1 to ${eventLimits.key} of A-Z a-z 0-9 _ . -` };
    if (typeof item !== 'string' || codePoints(item) > eventLimits.attributeValue) {
      return { reason: `attribute "${key}" must be a string of at most ${eventLimits.attributeValue} characters` };
    }
    if (emailPattern.test(item)) return { reason: `attribute "${key}" looks like an e-mail address: personal data is not accepted` };
    attributes[key] = item;
  }
  return { attributes };
}

function judgeMetrics(value: unknown): { metrics: Record<string, number> } | { reason: string } {
  if (value === undefined) return { metrics: {} };
  if (!isObject(value)) return { reason: 'metrics must be an object of numbers' };
  const entries = Object.entries(value);
  if (entries.length > eventLimits.metrics) return { reason: `at most ${eventLimits.metrics} metrics` };
  const metrics: Record<string, number> = {};
  for (const [key, item] of entries) {
    if (!keyPattern.test(key) || key === '__proto__') return { reason: `metric key "${key.slice(0, 60)}" must be 1 to ${eventLimits.key} of A-Z a-z 0-9 _ . -` };
    if (typeof item !== 'number' || !Number.isFinite(item)) return { reason: `metric "${key}" must be a finite number` };
    metrics[key] = item;
  }
  return { metrics };
}

/** One event, judged on its own against the server's receive time. Unknown fields are ignored. */
export function judgeEvent(raw: Record<string, unknown>, receivedAt: number): Judged {
  if (typeof raw.id !== 'string' || !uuidPattern.test(raw.id)) return { ok: false, reason: 'id must be a UUID' };
  const typeProblem = judgeType(raw.type);
  if (typeProblem) return { ok: false, reason: typeProblem };
  const at = judgeAt(raw.at, receivedAt);
  if ('reason' in at) return { ok: false, reason: at.reason };
  let sessionId: string | null = null;
  if (raw.sessionId !== undefined && raw.sessionId !== null) {
    if (typeof raw.sessionId !== 'string' || !uuidPattern.test(raw.sessionId)) return { ok: false, reason: 'sessionId must be a UUID' };
    sessionId = raw.sessionId.toLowerCase();
  }
  const attributes = judgeAttributes(raw.attributes);
  if ('reason' in attributes) return { ok: false, reason: attributes.reason };
  const metrics = judgeMetrics(raw.metrics);
  if ('reason' in metrics) return { ok: false, reason: metrics.reason };
  return {
    ok: true,
    event: { id: raw.id.toLowerCase(), type: raw.type as string, at: at.at, sessionId, attributes: attributes.attributes, metrics: metrics.metrics },
  };
}

export interface JudgedBatch {
  accepted: EventInput[];
  rejected: Array<{ index: number; reason: string }>;
}

export function judgeEvents(events: Array<Record<string, unknown>>, receivedAt: number): JudgedBatch {
  const accepted: EventInput[] = [];
  const rejected: JudgedBatch['rejected'] = [];
  events.forEach((raw, index) => {
    const judged = judgeEvent(raw, receivedAt);
    if (judged.ok) accepted.push(judged.event);
    else rejected.push({ index, reason: judged.reason });
  });
  return { accepted, rejected };
}
