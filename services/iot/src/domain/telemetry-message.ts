// A message on `things/{thingId}/telemetry`: `{ "ts"?: ISO-8601 | epoch ms, "metrics": { name: number } }`,
// at most 16 KB, 1..20 metrics named [a-z0-9_.]{1,40} with finite values. A reading more than 24 h ahead of
// its arrival or older than the retention is dropped, like a malformed message. Unknown top-level fields
// are ignored: firmware that adds a sequence number keeps working.
import * as z from 'zod/mini';
import type { Decoded } from './device-message';
import { decodePayload, dropped } from './device-message';
import type { Retention } from './resolutions';
import { oldestAccepted } from './resolutions';

export const telemetryLimits = {
  bytes: 16 * 1024,
  metrics: 20,
  futureMs: 24 * 3_600_000,
} as const;

export const metricNamePattern = /^[a-z0-9_.]{1,40}$/;

/**
 * A number DynamoDB can keep: 0, or a magnitude from 1e-130 to below 1e126. Any other finite double makes the
 * write fail with a ValidationException, so metric values and alert thresholds are held to it on input.
 */
export function isStorableNumber(value: number): boolean {
  const magnitude = Math.abs(value);
  return Number.isFinite(value) && (magnitude === 0 || (magnitude >= 1e-130 && magnitude < 1e126));
}

export interface Reading {
  /** Epoch ms; the reading's identity with the thing and the metric. */
  ts: number;
  metrics: Array<{ name: string; value: number }>;
}

const timestamp = z.union([
  z.iso.datetime({ offset: true }),
  z.number().check(z.refine((value) => Number.isFinite(value) && value >= 0, 'ts must be epoch milliseconds')),
]);

// Entries are checked on the parsed object itself: a record schema would drop a "__proto__" metric silently.
const metrics = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'metrics must be an object').check(
  z.superRefine((value, ctx) => {
    const entries = Object.entries(value);
    if (entries.length < 1 || entries.length > telemetryLimits.metrics) {
      ctx.issues.push({ code: 'custom', message: `1 to ${telemetryLimits.metrics} metrics`, input: value });
      return;
    }
    for (const [name, metric] of entries) {
      if (!metricNamePattern.test(name)) ctx.issues.push({ code: 'custom', message: 'metric names are 1 to 40 of a-z 0-9 _ .', path: [name], input: name });
      else if (typeof metric !== 'number' || !isStorableNumber(metric)) ctx.issues.push({ code: 'custom', message: 'metric values are finite numbers (0 or a magnitude from 1e-130 to below 1e126)', path: [name], input: metric });
    }
  }),
);

const message = z.object({ ts: z.optional(timestamp), metrics });

export interface TelemetryContext {
  /** When the broker received the message, epoch ms: the default `ts` and the reference for the time window. */
  receivedAt: number;
  retention: Retention;
}

export function parseTelemetryMessage(payload: string | Uint8Array, context: TelemetryContext): Decoded<Reading> {
  const decoded = decodePayload(payload, telemetryLimits.bytes);
  if (!decoded.ok) return decoded;
  const result = z.safeParse(message, decoded.value);
  if (!result.success) return dropped('malformed', result.error.issues[0]?.message);
  const { ts: given, metrics: values } = result.data;
  // Sub-millisecond digits (an ISO fraction, a float from a script) are cut: a reading is identified by its ms.
  const ts = given === undefined ? context.receivedAt : Math.floor(typeof given === 'number' ? given : Date.parse(given));
  if (ts > context.receivedAt + telemetryLimits.futureMs) return dropped('too_far_in_future', `ts ${ts}`);
  if (ts < oldestAccepted(context.receivedAt, context.retention)) return dropped('too_old', `ts ${ts}`);
  return { ok: true, value: { ts, metrics: Object.entries(values).map(([name, value]) => ({ name, value: value as number })) } };
}
