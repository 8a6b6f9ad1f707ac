// `GET /things/{thingId}/telemetry`: the query's schema and how it resolves to one key range of one series
// at one resolution. Defaults: the last 24 h; the finest rollup giving at most 1000 buckets; bucketed
// ranges widened to whole buckets (`from` down, `to` up). `from` is inclusive, `to` exclusive.
import * as z from 'zod/mini';
import { cursorParam } from '@photonotes/shared/validation';
import { ValidationError } from '@photonotes/shared/errors';
import type { Resolution, Rollup } from './resolutions';
import { bucketMs, bucketStart, ceilToBucket, resolutions, rollups } from './resolutions';
import { metricNamePattern } from './telemetry-message';

export const telemetryQueryLimits = { defaultLimit: 500, maxLimit: 1000, maxBuckets: 1000, defaultRangeMs: 24 * 3_600_000 } as const;

// Query values arrive as strings; the regex keeps "1.5", "1e2" and "010" out before the conversion.
const limit = z._default(
  z.pipe(
    z.string().check(z.regex(/^(?:[1-9][0-9]{0,2}|1000)$/, 'limit must be an integer from 1 to 1000')),
    z.transform((value: string) => Number(value)),
  ),
  telemetryQueryLimits.defaultLimit,
);

const instant = z.pipe(
  z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }),
  z.transform((value: string) => Date.parse(value)),
);

export const telemetryQuery = z.object({
  metric: z.string().check(z.regex(metricNamePattern, 'metric must be 1 to 40 of a-z 0-9 _ .')),
  from: z.optional(instant),
  to: z.optional(instant),
  resolution: z.optional(z.enum(resolutions)),
  limit,
  cursor: cursorParam,
});

export type TelemetryQueryInput = z.output<typeof telemetryQuery>;

export interface ResolvedQuery {
  metric: string;
  resolution: Resolution;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  limit: number;
  cursor: string | undefined;
}

function widened(from: number, to: number, rollup: Rollup): { from: number; to: number } {
  return { from: bucketStart(from, rollup), to: ceilToBucket(to, rollup) };
}

/** The finest rollup that splits the range into at most 1000 buckets; days when none does. */
export function defaultResolution(from: number, to: number): Rollup {
  for (const rollup of rollups) {
    const range = widened(from, to, rollup);
    if ((range.to - range.from) / bucketMs[rollup] <= telemetryQueryLimits.maxBuckets) return rollup;
  }
  return '1d';
}

function invalidRange(message: string): ValidationError {
  return new ValidationError('Request validation failed', [{ location: 'query', path: 'from', message, code: 'invalid_range' }]);
}

export function resolveTelemetryQuery(input: TelemetryQueryInput, now: Date): ResolvedQuery {
  const to = input.to ?? now.getTime();
  const from = input.from ?? to - telemetryQueryLimits.defaultRangeMs;
  if (from >= to) throw invalidRange('from must be before to');
  const resolution = input.resolution ?? defaultResolution(from, to);
  const range = resolution === 'raw' ? { from, to } : widened(from, to, resolution);
  return { metric: input.metric, resolution, ...range, limit: input.limit, cursor: input.cursor };
}
