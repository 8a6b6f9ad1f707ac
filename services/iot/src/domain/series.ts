// Writing one reading of one metric: the raw reading, its 1m/1h/1d buckets, the series' latest value and
// the alert rules' state, as ONE conditional transaction on the series head's revision.
//
// Why rollups stay equal to the aggregate of the raw readings (min, max, sum, count):
// - every write of a series is conditional on the head's revision, read before anything else the write
//   depends on; a concurrent write moves the revision, so the loser re-reads and recomputes. Writes of one
//   series are therefore serialised, and each computes from the current state;
// - the reading and its buckets change in the same transaction: never a stored reading without its
//   buckets, so a redelivery that finds its reading stored has nothing left to do;
// - a new reading is added to each bucket (min/max/sum/count fold in one value);
// - a replaced value (same ts, a later arrival) cannot be undone incrementally (the old value may have
//   been the minimum), so its buckets are recomputed: the minute from its raw readings, the hour from its
//   minutes, the day from its hours, with the new value and new minute and hour substituted. Every
//   bucket read is strongly consistent and read after the head, so it is the state of that revision;
// - a redelivered reading writes nothing; the same value arriving later only records its arrival (see decide).
// Items are kept long enough that a recompute never reads a level whose items expired (resolutions.ts).
import type { FiredAlert, JudgedReading, RuleSet } from './alerts';
import { judge } from './alerts';
import type { IotDeps } from './deps';
import { maxWriteAttempts, pauseBeforeRetry } from './deps';
import type { BucketWrite, SeriesKey, SeriesSnapshot, StoredReading } from './ports';
import type { Retention, Rollup } from './resolutions';
import { bucketEnd, bucketStart, expiresAt } from './resolutions';
import type { Bucket } from './rollups';
import { addReading, aggregate, combine } from './rollups';

export type ReadingOutcome = 'inserted' | 'replaced' | 'unchanged';

export interface IncomingReading extends JudgedReading {
  receivedAt: number;
}

export interface RecordedReading {
  outcome: ReadingOutcome;
  /** Firings to publish: this write's and any a previous attempt wrote but did not get to publish. */
  toPublish: FiredAlert[];
}

type SeriesDeps = Pick<IotDeps, 'telemetry' | 'alertRules' | 'pause'> & { config: { retention: Retention } };

export interface Decision {
  outcome: ReadingOutcome;
  /** The stored reading after this delivery (undefined only for an unchanged absent reading, which cannot happen). */
  stored: StoredReading;
  /** True when the reading item must be written: a new value, or the same value from a later arrival. */
  write: boolean;
}

/**
 * Which delivery of a (thing, metric, ts) reading wins: the one that arrived last, ties broken by the larger
 * value. The winner does not depend on the order deliveries are processed in: the same value arriving later
 * is recorded too (its arrival time only, `write` without a new value), so an earlier different value that
 * is processed afterwards cannot win.
 */
export function decide(stored: StoredReading | undefined, incoming: StoredReading): Decision {
  if (!stored) return { outcome: 'inserted', stored: incoming, write: true };
  const later = incoming.receivedAt > stored.receivedAt || (incoming.receivedAt === stored.receivedAt && incoming.value > stored.value);
  if (!later) return { outcome: 'unchanged', stored, write: false };
  if (incoming.value === stored.value) return { outcome: 'unchanged', stored: incoming, write: true };
  return { outcome: 'replaced', stored: incoming, write: true };
}

const finer: Record<Exclude<Rollup, '1m'>, Rollup> = { '1h': '1m', '1d': '1h' };

function substitute(buckets: Array<{ start: number; bucket: Bucket }>, start: number, bucket: Bucket): Bucket[] {
  return [...buckets.filter((item) => item.start !== start).map((item) => item.bucket), bucket];
}

/** The three buckets after replacing the value at `ts`, recomputed from the level below. */
async function recomputed(series: SeriesKey, ts: number, value: number, deps: SeriesDeps): Promise<Record<Rollup, Bucket>> {
  const minuteStart = bucketStart(ts, '1m');
  const readings = await deps.telemetry.readings(series, minuteStart, bucketEnd(ts, '1m'));
  const minute = aggregate([...readings.filter((item) => item.ts !== ts).map((item) => item.value), value]) as Bucket;
  const result: Record<Rollup, Bucket> = { '1m': minute, '1h': minute, '1d': minute };
  for (const rollup of ['1h', '1d'] as const) {
    const child = finer[rollup];
    const children = await deps.telemetry.buckets(series, child, bucketStart(ts, rollup), bucketEnd(ts, rollup));
    result[rollup] = combine(substitute(children, bucketStart(ts, child), result[child])) as Bucket;
  }
  return result;
}

function added(snapshot: SeriesSnapshot, value: number): Record<Rollup, Bucket> {
  return {
    '1m': addReading(snapshot.buckets['1m'], value),
    '1h': addReading(snapshot.buckets['1h'], value),
    '1d': addReading(snapshot.buckets['1d'], value),
  };
}

function bucketWrites(ts: number, buckets: Record<Rollup, Bucket>, retention: Retention): BucketWrite[] {
  return (['1m', '1h', '1d'] as const).map((rollup) => {
    const start = bucketStart(ts, rollup);
    return { rollup, start, bucket: buckets[rollup], expiresAt: expiresAt(rollup, start, retention) };
  });
}

/**
 * Stores one reading and judges it against the metric's rules. `ruleSet` is the thing's rule set as the
 * caller read it; a series already judged with newer rules makes it read them again.
 */
export async function recordReading(reading: IncomingReading, ruleSet: RuleSet, deps: SeriesDeps): Promise<RecordedReading> {
  const series: SeriesKey = { thingId: reading.thingId, metric: reading.metric };
  const { retention } = deps.config;
  let rules = ruleSet;
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
    const snapshot = await deps.telemetry.load(series, reading.ts);
    if (snapshot.head.alerts.rulesVersion > rules.version) {
      rules = await deps.alertRules.get(reading.thingId);
      continue;
    }
    const decision = decide(snapshot.reading, { ts: reading.ts, value: reading.value, receivedAt: reading.receivedAt });
    const { outcome } = decision;
    const { value } = decision.stored;
    const judgement = judge(snapshot.head.alerts, rules, { ...reading, value });
    if (!decision.write && !judgement.changed) return { outcome, toPublish: snapshot.head.pending };

    const buckets = outcome === 'unchanged' ? undefined : outcome === 'inserted' ? added(snapshot, value) : await recomputed(series, reading.ts, value, deps);
    const { latest } = snapshot.head;
    const nextLatest = outcome !== 'unchanged' && (latest === null || reading.ts >= latest.at) ? { value, at: reading.ts } : latest;
    const committed = await deps.telemetry.commit(series, snapshot.head.rev, {
      latest: nextLatest,
      alerts: judgement.state,
      fired: judgement.fired,
      headExpiresAt: expiresAt('1d', bucketStart(nextLatest?.at ?? reading.ts, '1d'), retention),
      ...(decision.write ? { reading: { ...decision.stored, expiresAt: expiresAt('raw', reading.ts, retention) } } : {}),
      buckets: buckets ? bucketWrites(reading.ts, buckets, retention) : [],
    });
    if (committed) return { outcome, toPublish: [...snapshot.head.pending, ...judgement.fired] };
    await pauseBeforeRetry(deps, attempt);
  }
  throw new Error(`Series ${reading.thingId}/${reading.metric} kept changing; giving up after ${maxWriteAttempts} attempts`);
}
