// Writing the readings of one message: per metric the raw reading, its 1m/1h/1d buckets, the series' latest
// value and the alert rules' state, each series conditional on its head's revision, all series of the message
// in ONE transaction (recordReadings).
//
// Why rollups stay equal to the aggregate of the raw readings (min, max, sum, count):
// - every write of a series is conditional on the head's revision, read before anything else the write
//   depends on; a concurrent write moves the revision, so the loser re-reads and recomputes. Writes of one
//   series are therefore serialised, and each computes from the current state;
// - a message's heads are read together (one strongly consistent read) and only then its readings and
//   buckets (a second one), so whatever a series' write is computed from is at least as new as the revision
//   it is conditional on. Writing several series in one transaction changes nothing for any one of them: a
//   failed transaction writes nothing, and its series are read and computed again;
// - the reading and its buckets change in the same transaction: never a stored reading without its
//   buckets, so a redelivery that finds its reading stored has nothing left to do;
// - a new reading is added to each bucket (min/max/sum/count fold in one value);
// - a replaced value (same ts, a later arrival) cannot be undone incrementally (the old value may have
//   been the minimum), so its buckets are recomputed: the minute from its raw readings, the hour from its
//   minutes, the day from its hours, with the new value and new minute and hour substituted. Every
//   bucket read is strongly consistent and read after the head, so it is the state of that revision;
// - a redelivered reading writes nothing; the same value arriving later only records its arrival (see decide).
// The rule set is read with the heads; a head already judged under a newer one means the rules were
// replaced between the two, and everything is read again.
// Items are kept long enough that a recompute never reads a level whose items expired (resolutions.ts).
import type { FiredAlert, JudgedReading, RuleSet } from './alerts';
import { judge } from './alerts';
import type { IotDeps } from './deps';
import { maxWriteAttempts, pauseBeforeRetry } from './deps';
import type { BucketWrite, SeriesCommit, SeriesKey, SeriesSnapshot, SeriesWrite, StoredReading } from './ports';
import type { Retention, Rollup } from './resolutions';
import { bucketEnd, bucketStart, expiresAt } from './resolutions';
import type { Bucket } from './rollups';
import { addReading, aggregate, combine } from './rollups';

export type ReadingOutcome = 'inserted' | 'replaced' | 'unchanged';

export interface IncomingReading extends JudgedReading {
  receivedAt: number;
}

export interface MetricValue {
  metric: string;
  value: number;
}

/** The readings of one message: distinct metrics of one thing at one ts. */
export interface IncomingReadings {
  thingId: string;
  ownerId: string;
  ts: number;
  receivedAt: number;
  readings: MetricValue[];
}

export interface RecordedReading {
  metric: string;
  outcome: ReadingOutcome;
  /** Firings to publish: this write's and any a previous attempt wrote but did not get to publish. */
  toPublish: FiredAlert[];
}

type SeriesDeps = Pick<IotDeps, 'telemetry' | 'pause'> & { config: { retention: Retention } };

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

interface Planned {
  outcome: ReadingOutcome;
  toPublish: FiredAlert[];
  /** Absent when nothing is to be written (a redelivery that moves no rule). */
  commit?: SeriesCommit;
}

/** What one reading changes in its series, computed from the snapshot read for it. */
async function plan(reading: IncomingReading, snapshot: SeriesSnapshot, rules: RuleSet, deps: SeriesDeps): Promise<Planned> {
  const series: SeriesKey = { thingId: reading.thingId, metric: reading.metric };
  const { retention } = deps.config;
  const decision = decide(snapshot.reading, { ts: reading.ts, value: reading.value, receivedAt: reading.receivedAt });
  const { outcome } = decision;
  const { value } = decision.stored;
  const judgement = judge(snapshot.head.alerts, rules, { ...reading, value });
  if (!decision.write && !judgement.changed) return { outcome, toPublish: snapshot.head.pending };

  const buckets = outcome === 'unchanged' ? undefined : outcome === 'inserted' ? added(snapshot, value) : await recomputed(series, reading.ts, value, deps);
  const { latest } = snapshot.head;
  const nextLatest = outcome !== 'unchanged' && (latest === null || reading.ts >= latest.at) ? { value, at: reading.ts } : latest;
  const write: SeriesWrite = {
    latest: nextLatest,
    alerts: judgement.state,
    fired: judgement.fired,
    headExpiresAt: expiresAt('1d', bucketStart(nextLatest?.at ?? reading.ts, '1d'), retention),
    ...(decision.write ? { reading: { ...decision.stored, expiresAt: expiresAt('raw', reading.ts, retention) } } : {}),
    buckets: buckets ? bucketWrites(reading.ts, buckets, retention) : [],
  };
  return { outcome, toPublish: [...snapshot.head.pending, ...judgement.fired], commit: { series, expectedRev: snapshot.head.rev, write } };
}

/**
 * Stores the readings of one message (distinct metrics of one thing at one ts) and judges each against the
 * thing's rules: one read of the rules and heads, one of the readings and buckets, one transaction for every
 * series that changes. A series whose revision moved meanwhile is read and computed again, with the others of
 * its transaction (which wrote nothing); the series already written are done.
 */
export async function recordReadings(message: IncomingReadings, deps: SeriesDeps): Promise<RecordedReading[]> {
  const { thingId, ts } = message;
  const done = new Map<string, RecordedReading>();
  let pending = message.readings;
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
    const snapshot = await deps.telemetry.load(thingId, pending.map((reading) => reading.metric), ts);
    // A series already judged under newer rules than the ones read with it: the rules were replaced between the
    // two reads; read again rather than judge with the older ones.
    if (snapshot.series.some((series) => series.head.alerts.rulesVersion > snapshot.rules.version)) continue;
    const planned = await Promise.all(
      pending.map((reading, index) =>
        plan({ thingId, ownerId: message.ownerId, metric: reading.metric, ts, value: reading.value, receivedAt: message.receivedAt }, snapshot.series[index] as SeriesSnapshot, snapshot.rules, deps),
      ),
    );
    const commits = planned.flatMap((item) => (item.commit ? [item.commit] : []));
    const committed = commits.length === 0 ? [] : await deps.telemetry.commit(commits);
    const lost: MetricValue[] = [];
    let next = 0;
    for (const [index, item] of planned.entries()) {
      const reading = pending[index] as MetricValue;
      const written = item.commit === undefined || committed[next++] === true;
      if (written) done.set(reading.metric, { metric: reading.metric, outcome: item.outcome, toPublish: item.toPublish });
      else lost.push(reading);
    }
    if (lost.length === 0) return message.readings.map((reading) => done.get(reading.metric) as RecordedReading);
    pending = lost;
    await pauseBeforeRetry(deps, attempt);
  }
  throw new Error(`Series ${pending.map((reading) => `${thingId}/${reading.metric}`).join(', ')} kept changing; giving up after ${maxWriteAttempts} attempts`);
}

/** Stores one reading: recordReadings of a message with one metric. */
export async function recordReading(reading: IncomingReading, deps: SeriesDeps): Promise<RecordedReading> {
  const [recorded] = await recordReadings(
    { thingId: reading.thingId, ownerId: reading.ownerId, ts: reading.ts, receivedAt: reading.receivedAt, readings: [{ metric: reading.metric, value: reading.value }] },
    deps,
  );
  return recorded as RecordedReading;
}
