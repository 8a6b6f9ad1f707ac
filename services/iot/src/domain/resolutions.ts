// Time buckets of telemetry: raw readings and UTC-aligned 1m/1h/1d rollups, and how long each is kept.
// Epoch milliseconds throughout; UTC days are whole multiples of 86,400,000 ms since the epoch.

export const rollups = ['1m', '1h', '1d'] as const;
export type Rollup = (typeof rollups)[number];
export const resolutions = ['raw', ...rollups] as const;
export type Resolution = (typeof resolutions)[number];

export const bucketMs: Record<Rollup, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

export const bucketStart = (ts: number, rollup: Rollup): number => Math.floor(ts / bucketMs[rollup]) * bucketMs[rollup];
export const bucketEnd = (ts: number, rollup: Rollup): number => bucketStart(ts, rollup) + bucketMs[rollup];
export const ceilToBucket = (ts: number, rollup: Rollup): number => Math.ceil(ts / bucketMs[rollup]) * bucketMs[rollup];

/** The next coarser level: what a bucket is recomputed into, and whose span decides how long it is kept. */
export const parentOf: Record<Resolution, Rollup> = { raw: '1m', '1m': '1h', '1h': '1d', '1d': '1d' };

/** Days each level is kept (stage params; API.md: raw and 1m 30 days, 1h and 1d 400 days). */
export type Retention = Record<Resolution, number>;

export const defaultRetention: Retention = { raw: 30, '1m': 30, '1h': 400, '1d': 400 };

const dayMs = 86_400_000;

/**
 * Rollups are recomputed from the level below when a stored value is replaced, so nothing a recompute
 * reads may expire first: no level may be kept shorter than raw readings.
 */
export function checkRetention(retention: Retention): Retention {
  for (const level of resolutions) {
    const days = retention[level];
    if (!Number.isInteger(days) || days < 1) throw new Error(`retention of ${level} must be a whole number of days, got ${days}`);
    if (days < retention.raw) throw new Error(`retention of ${level} (${days} days) is shorter than raw readings' (${retention.raw} days)`);
  }
  return retention;
}

/** The oldest reading time still accepted at `now`: anything older would expire on arrival. */
export const oldestAccepted = (now: number, retention: Retention): number => now - retention.raw * dayMs;

/**
 * When an item (a raw reading at `ts`, or the bucket starting at `ts`) may be deleted, epoch seconds (the TTL
 * attribute). Counted from the end of the enclosing coarser bucket, not from `ts`: a reading is accepted
 * until it is `retention.raw` days old, and replacing it recomputes its whole parent bucket from the level
 * below, which therefore must still be complete. So items live their retention plus at most one parent span.
 */
export function expiresAt(level: Resolution, ts: number, retention: Retention): number {
  const parent = parentOf[level];
  const end = level === '1d' ? bucketEnd(ts, '1d') : bucketEnd(ts, parent);
  return Math.ceil((end + retention[level] * dayMs) / 1000);
}
