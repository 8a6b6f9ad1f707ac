// EventAggregates over the aggregates store: one work's fresh events folded into deltas (aggregate-deltas.ts), then
//   1. counters, exactly once: the deltas in a fixed order, in transactions of at most 99 with a marker
//      `APPLIED#<workId>#<chunk>` that must not exist. A retried work folds the same rows into the same chunks, and
//      a chunk whose marker exists was applied: skipped. A crash between chunks leaves the later ones to the retry;
//   2. minima and maxima: conditional sets that only ever improve, idempotent by nature;
//   3. the day's sketches (active actors, sessions): read, merge, write on the version read; idempotent (a merge that
//      changes nothing is not written);
//   4. activity (activity.ts): first days, markers, newUsers, daily activeUsers and the cohorts, exactly once by the
//      markers' conditions.
// Steps 2–4 touch no item step 1 does in a way that could double anything, so they run side by side after it.
import type { CounterDelta, ExtremesDelta, SketchDelta } from './aggregate-deltas';
import { foldRows, own } from './aggregate-deltas';
import { recordActivity } from './activity';
import type { AggregatesStore, EventAggregates } from './ports';
import { extremesId, sketchId } from './ports';
import type { SketchCodec } from './sketch';
import type { RetryPolicy } from './write-retries';
import { defaultRetryPolicy, forEachConcurrently, retryConflicts } from './write-retries';

/** Counter updates per transaction: DynamoDB's 100 items, less the chunk's marker. */
export const counterChunkSize = 99;
/** Conditional updates (extremes, sketches) in flight at once. */
const writeConcurrency = 8;
/** Extremes per conditional update: 32 keep its condition expression well inside DynamoDB's 4 KB. */
export const maxExtremesPerUpdate = 32;
/** Reads before a sketch write gives up on writers racing it. */
const maxSketchRounds = 12;

export interface AggregatesDeps {
  store: AggregatesStore;
  sketches: SketchCodec;
  retry?: RetryPolicy;
}

export function counterChunks(counters: CounterDelta[]): CounterDelta[][] {
  const chunks: CounterDelta[][] = [];
  for (let index = 0; index < counters.length; index += counterChunkSize) chunks.push(counters.slice(index, index + counterChunkSize));
  return chunks;
}

async function addCounters(workId: string, counters: CounterDelta[], store: AggregatesStore, retry: RetryPolicy): Promise<void> {
  // In order, one at a time: the chunks share hot items (a day's totals), which would only conflict with each other.
  const chunks = counterChunks(counters);
  for (const [index, chunk] of chunks.entries()) {
    await retryConflicts(`counter chunk ${index} of work ${workId}`, retry, () => store.addCounters(workId, index, chunk), (outcome) => outcome === 'conflict');
  }
}

function improvements(delta: ExtremesDelta, stored: { min: Record<string, number>; max: Record<string, number> } | undefined): ExtremesDelta {
  const min: Record<string, number> = {};
  const max: Record<string, number> = {};
  for (const [metric, value] of Object.entries(delta.min)) {
    const current = own(stored?.min, metric);
    if (current === undefined || value < current) min[metric] = value;
  }
  for (const [metric, value] of Object.entries(delta.max)) {
    const current = own(stored?.max, metric);
    if (current === undefined || value > current) max[metric] = value;
  }
  return { day: delta.day, type: delta.type, min, max };
}

/** Each extreme alone, for when the combined update was refused: a refusal now means it is no improvement. */
function singles(delta: ExtremesDelta): ExtremesDelta[] {
  return [
    ...Object.entries(delta.min).map(([metric, value]) => ({ day: delta.day, type: delta.type, min: { [metric]: value }, max: {} })),
    ...Object.entries(delta.max).map(([metric, value]) => ({ day: delta.day, type: delta.type, min: {}, max: { [metric]: value } })),
  ];
}

/** The extremes of an item in updates of at most `maxExtremesPerUpdate`. */
export function extremesUpdates(delta: ExtremesDelta): ExtremesDelta[] {
  const all = singles(delta);
  const updates: ExtremesDelta[] = [];
  for (let index = 0; index < all.length; index += maxExtremesPerUpdate) {
    const part = all.slice(index, index + maxExtremesPerUpdate);
    updates.push({ day: delta.day, type: delta.type, min: Object.assign({}, ...part.map((single) => single.min)) as Record<string, number>, max: Object.assign({}, ...part.map((single) => single.max)) as Record<string, number> });
  }
  return updates;
}

async function improveExtremes(deltas: ExtremesDelta[], store: AggregatesStore, retry: RetryPolicy): Promise<void> {
  if (deltas.length === 0) return;
  const stored = await store.readExtremes(deltas.map(({ day, type }) => ({ day, type })));
  const wanted = deltas.flatMap((delta) => extremesUpdates(improvements(delta, stored.get(extremesId(delta)))));
  const improve = (delta: ExtremesDelta) => retryConflicts('extremes update', retry, () => store.improveExtremes(delta), (outcome) => outcome === 'conflict');
  await forEachConcurrently(wanted, writeConcurrency, async (delta) => {
    if ((await improve(delta)) !== 'refused') return;
    for (const single of singles(delta)) await improve(single);
  });
}

async function mergeSketch(delta: SketchDelta, known: { bytes: Uint8Array; version: number } | undefined, deps: Required<AggregatesDeps>): Promise<void> {
  const incoming = deps.sketches.empty();
  for (const value of delta.values) incoming.add(value);
  let stored = known;
  for (let round = 0; round < maxSketchRounds; round++) {
    const merged = stored ? deps.sketches.fromBytes(stored.bytes) : deps.sketches.empty();
    // Nothing new: this work (or one with the same values) was merged already.
    if (!merged.merge(incoming) && stored) return;
    const bytes = merged.toBytes();
    const outcome = await retryConflicts('sketch write', deps.retry, () => deps.store.writeSketch(delta.kind, delta.day, bytes, stored?.version ?? null), (o) => o === 'conflict');
    if (outcome === 'applied') return;
    stored = (await deps.store.readSketches([delta])).get(sketchId(delta));
  }
  throw new Error(`The ${delta.kind} sketch of ${delta.day} kept changing while being merged`);
}

async function mergeSketches(deltas: SketchDelta[], deps: Required<AggregatesDeps>): Promise<void> {
  if (deltas.length === 0) return;
  const stored = await deps.store.readSketches(deltas.map(({ kind, day }) => ({ kind, day })));
  await forEachConcurrently(deltas, writeConcurrency, (delta) => mergeSketch(delta, stored.get(sketchId(delta)), deps));
}

export function eventAggregates(deps: AggregatesDeps): EventAggregates {
  const full: Required<AggregatesDeps> = { retry: defaultRetryPolicy, ...deps };
  return {
    async apply(workId, rows) {
      const deltas = foldRows(rows);
      await addCounters(workId, deltas.counters, full.store, full.retry);
      const steps = await Promise.allSettled([
        improveExtremes(deltas.extremes, full.store, full.retry),
        mergeSketches(deltas.sketches, full),
        recordActivity(deltas.actors, { store: full.store, retry: full.retry }),
      ]);
      const failed = steps.find((step): step is PromiseRejectedResult => step.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
