// What the analytics domain needs from the outside world; adapters implement these over DynamoDB and S3,
// test/unit/support/fakes.ts over memory.
import type { CounterDelta, ExtremesDelta, Period } from './aggregate-deltas';
import type { AcceptedBatch, EventRow } from './batch';
import type { SketchKind } from './sketch';

export interface ActorKeys {
  /** The user's key, created on first use (a concurrent creation reads the winner's). */
  keyOf(userId: string): Promise<Uint8Array>;
  /** Idempotent. */
  destroy(userId: string): Promise<void>;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export interface InstallRates {
  /** Counts one batch of the install in the second of `nowMs`; refuses it beyond `limit` batches a second. */
  admit(installId: string, nowMs: number, limit: number): Promise<Admission>;
}

export interface EventBuffer {
  /** Durably hands the batch to processEvents (the buffer table's stream). */
  put(batch: AcceptedBatch): Promise<void>;
}

export interface EventClaims {
  /**
   * Claims each event id for `owner` (kept 7 days). Answers the ids that are this owner's: claimed now, or by the
   * same owner before (a retry of the same work). The others were seen before: repeats, counted once already.
   */
  claim(ids: string[], owner: string): Promise<Set<string>>;
}

export interface EventArchive {
  /** Writes (or rewrites, with the same content) one object of rows. */
  write(key: string, rows: EventRow[]): Promise<void>;
}

export interface EventAggregates {
  /**
   * Folds fresh events (claimed by `workId`, never counted before) into the daily aggregates. Idempotent for the
   * same `workId` and rows: a retry of the same work changes nothing that was already applied.
   */
  apply(workId: string, rows: EventRow[]): Promise<void>;
}

/** A write that may be tried again: `conflict` means another write held an item at that moment (nothing written). */
export type WriteOutcome = 'applied' | 'refused' | 'conflict';

/** An actor's activity marker: the actor was active in the period starting `start`, counted in cohort `cohort`. */
export interface ActivityMarker {
  period: Period;
  /** The day, or the week's Monday. */
  start: string;
  /** The cohort (first day, or its Monday) the marker is counted under in the retention counters. */
  cohort: string;
}

export interface ActorState {
  actor: string;
  firstDay: string | null;
  /** firstDay moved earlier and the actor's markers may still be counted under the old cohort. */
  rehomePending: boolean;
  /** Those of the asked markers that exist. */
  markers: ActivityMarker[];
}

/**
 * One actor's part of an activity transaction: its first day (set, moved earlier, or held to `expectedFirstDay`)
 * and the markers it gains (each must not exist yet).
 */
export interface ActivityWrite {
  actor: string;
  /** The first day the write was planned on; null when the actor had none. The write holds only if it still is. */
  expectedFirstDay: string | null;
  /** The first day after the write: `expectedFirstDay`, or an earlier day (marks the actor for rehoming). */
  firstDay: string;
  markers: ActivityMarker[];
}

export type ActivityOutcome = { outcome: 'applied' } | { outcome: 'conflict' } | { outcome: 'refused'; actors: string[] };

/** The aggregates table as the consumer writes it (adapters/aggregates-writes.ts); every write is conditional or idempotent. */
export interface AggregatesStore {
  /**
   * Adds `deltas` (at most 99) in one transaction with the marker of chunk `chunk` of work `workId`: `refused`
   * when that marker exists (the chunk was applied before, nothing is added again).
   */
  addCounters(workId: string, chunk: number, deltas: CounterDelta[]): Promise<WriteOutcome>;
  /** The stored minima and maxima of (day, type) items, by `extremesId`. */
  readExtremes(items: Array<{ day: string; type: string }>): Promise<Map<string, { min: Record<string, number>; max: Record<string, number> }>>;
  /** Sets every given extreme, in one conditional update: `refused` unless each one improves on the stored one. */
  improveExtremes(delta: ExtremesDelta): Promise<WriteOutcome>;
  /** The stored sketches of (kind, day), by `sketchId`; consistent. */
  readSketches(items: Array<{ kind: SketchKind; day: string }>): Promise<Map<string, { bytes: Uint8Array; version: number }>>;
  /** Writes a sketch if its version is still `expectedVersion` (null: none stored); the stored version becomes one more. */
  writeSketch(kind: SketchKind, day: string, bytes: Uint8Array, expectedVersion: number | null): Promise<WriteOutcome>;
  /** Each actor's first day, rehoming flag and which of the asked markers exist; consistent. */
  readActors(asks: Array<{ actor: string; markers: Array<Pick<ActivityMarker, 'period' | 'start'>> }>): Promise<ActorState[]>;
  /** The writes and their counters in one transaction; `refused` names the actors whose state moved since it was read. */
  commitActivity(writes: ActivityWrite[], counters: CounterDelta[]): Promise<ActivityOutcome>;
  /** Every marker of the actor (the ones its first day moving earlier may have left in a later cohort). */
  actorMarkers(actor: string): Promise<ActivityMarker[]>;
  /** Moves a marker to an earlier cohort with its cohort counter, if it is still counted under `marker.cohort`. */
  rehomeMarker(actor: string, marker: ActivityMarker, cohort: string): Promise<WriteOutcome>;
  /** Clears the rehoming flag if the first day is still `firstDay`. */
  settleRehome(actor: string, firstDay: string): Promise<void>;
}

export const extremesId = (item: { day: string; type: string }) => JSON.stringify([item.day, item.type]);
export const sketchId = (item: { kind: SketchKind; day: string }) => `${item.kind}#${item.day}`;

export interface DayTotals {
  day: string;
  events: number;
  newUsers: number;
  activeUsers: number;
}

export interface TypeDay {
  day: string;
  count: number;
  metrics: Record<string, { sum: number; min: number; max: number }>;
}

/** The aggregates table as the admin reads see it (adapters/aggregates-reads.ts): key-range Queries, no Scan. */
export interface AggregatesReader {
  /** The days of the range that have totals. */
  dayTotals(from: string, to: string): Promise<DayTotals[]>;
  /** Per day and type, the events counted. */
  typeCounts(from: string, to: string): Promise<Array<{ day: string; type: string; count: number }>>;
  /** The days of the range that have a sketch of `kind`. */
  sketches(kind: SketchKind, from: string, to: string): Promise<Array<{ day: string; bytes: Uint8Array }>>;
  typeDays(type: string, from: string, to: string): Promise<TypeDay[]>;
  /** Per day and value, the events of `type` carrying attribute `key`; at most `maxItems` (truncated: more exist). */
  attributeCounts(type: string, key: string, from: string, to: string, maxItems: number): Promise<{ items: Array<{ day: string; value: string; count: number }>; truncated: boolean }>;
  /** The retention counters of the cohorts starting in `from`..`to`, for active periods up to `to`. */
  cohortCells(period: Period, from: string, to: string): Promise<Array<{ cohort: string; active: string; count: number }>>;
}
