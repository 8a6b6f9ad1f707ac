// The aggregate kept per bucket: min, max, sum and count (avg = sum / count, computed when read). A bucket
// is what a set of readings or of finer buckets folds into; the series write keeps them equal to the
// aggregate of the raw readings (see series.ts).

export interface Bucket {
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** Adds one new reading to a bucket (undefined: the bucket does not exist yet). */
export function addReading(bucket: Bucket | undefined, value: number): Bucket {
  if (!bucket) return { min: value, max: value, sum: value, count: 1 };
  return { min: Math.min(bucket.min, value), max: Math.max(bucket.max, value), sum: bucket.sum + value, count: bucket.count + 1 };
}

/** The aggregate of readings; undefined for none. */
export function aggregate(values: Iterable<number>): Bucket | undefined {
  let bucket: Bucket | undefined;
  for (const value of values) bucket = addReading(bucket, value);
  return bucket;
}

/** The aggregate of finer buckets; undefined for none. */
export function combine(buckets: Iterable<Bucket>): Bucket | undefined {
  let result: Bucket | undefined;
  for (const bucket of buckets) {
    result = result
      ? { min: Math.min(result.min, bucket.min), max: Math.max(result.max, bucket.max), sum: result.sum + bucket.sum, count: result.count + bucket.count }
      : { ...bucket };
  }
  return result;
}

export const average = (bucket: Bucket): number => bucket.sum / bucket.count;
