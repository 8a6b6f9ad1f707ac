// The aggregates table as processEvents writes it (domain/aggregates.ts decides what; this says how): counter
// chunks with their applied-marker, conditional extremes, versioned sketches, first days, activity markers and
// cohort counters. A failed condition is answered as `refused`, a transaction conflict as `conflict`.
import type { AttributeMap, DocumentSender, TableClient, Transaction } from '@photonotes/shared/dynamodb';
import { ConditionFailedError, TransactionConflictError, batchGetSize, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { CounterDelta, CounterTarget } from '../domain/aggregate-deltas';
import { addDays } from '../domain/days';
import type { ActivityMarker, ActorState, AggregatesStore, WriteOutcome } from '../domain/ports';
import { extremesId, sketchId } from '../domain/ports';
import { keys, markerOfSk } from './keys';

/** Chunk markers outlive every retry of their work: the stream keeps records 24 h. */
export const appliedMarkerTtlSeconds = 2 * 24 * 3600;
/**
 * Activity markers are needed while an event of their period can still arrive (30 days back, plus the stream's
 * 6 h) and while a first day can still move before them: 45 days after the period's last day.
 */
export const markerRetentionDays = 45;
/** BatchGetItem calls in flight at once. */
const readConcurrency = 8;

function counterKey(target: CounterTarget): AttributeMap {
  switch (target.item) {
    case 'day':
      return keys.dayTotals(target.day);
    case 'dayType':
      return keys.dayType(target.day, target.type);
    case 'typeDay':
      return keys.typeDay(target.type, target.day);
    case 'attribute':
      return keys.attributeValue(target.type, target.key, target.value, target.day);
    case 'cohort':
      return keys.cohortCell(target.period, target.cohort, target.active);
  }
}

/** `ADD #a0 :a0, …` of a delta, every attribute name aliased (metric names are the apps'). */
function counterUpdate(delta: CounterDelta) {
  const names: Record<string, string> = {};
  const values: AttributeMap = {};
  const parts: string[] = [];
  const add = (attribute: string, amount: number) => {
    const index = parts.length;
    names[`#a${index}`] = attribute;
    values[`:a${index}`] = amount;
    parts.push(`#a${index} :a${index}`);
  };
  for (const [field, amount] of Object.entries(delta.add)) add(field, amount);
  for (const [metric, sum] of Object.entries(delta.sums ?? {})) add(`sum:${metric}`, sum);
  return { update: `ADD ${parts.join(', ')}`, names, values };
}

function addToTransaction(tx: Transaction, deltas: CounterDelta[]): void {
  for (const delta of deltas) {
    const { update, names, values } = counterUpdate(delta);
    tx.update(counterKey(delta.target), update, { names, values });
  }
}

/** Commits `tx`: a failed condition is `refused` (the caller reads the tags from `onRefused`), a conflict `conflict`. */
async function commit(tx: Transaction, onRefused?: (err: ConditionFailedError) => void): Promise<WriteOutcome> {
  try {
    await tx.commit();
    return 'applied';
  } catch (err) {
    if (err instanceof TransactionConflictError) return 'conflict';
    if (err instanceof ConditionFailedError) {
      onRefused?.(err);
      return 'refused';
    }
    throw err;
  }
}

async function conditional(write: () => Promise<unknown>): Promise<WriteOutcome> {
  try {
    await write();
    return 'applied';
  } catch (err) {
    if (err instanceof ConditionFailedError) return 'refused';
    if (err instanceof TransactionConflictError) return 'conflict';
    throw err;
  }
}

/** Every item of `keys`, read in BatchGetItem calls side by side; consistent. */
async function readAll<T>(table: TableClient, itemKeys: AttributeMap[]): Promise<T[]> {
  const calls: AttributeMap[][] = [];
  for (let index = 0; index < itemKeys.length; index += batchGetSize) calls.push(itemKeys.slice(index, index + batchGetSize));
  const found: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < calls.length) found.push(...(await table.batchGet<T>(calls[next++] as AttributeMap[], { consistentRead: true })));
  };
  await Promise.all(Array.from({ length: Math.min(readConcurrency, calls.length) }, worker));
  return found;
}

const epochSeconds = (day: string) => Date.parse(`${day}T00:00:00.000Z`) / 1000;

function markerExpiresAt(marker: Pick<ActivityMarker, 'period' | 'start'>): number {
  const lastDay = marker.period === 'day' ? marker.start : addDays(marker.start, 6);
  return epochSeconds(addDays(lastDay, markerRetentionDays));
}

interface KeyedItem {
  pk: string;
  sk: string;
}

type TypeDayItem = KeyedItem & Record<string, unknown>;
type SketchItem = KeyedItem & { sketch: Uint8Array; version: number };
type ActorItem = KeyedItem & { firstDay?: string; rehome?: boolean; cohort?: string };

export function aggregatesWrites({ tableName, client = documentClient(), now = () => Date.now() }: { tableName: string; client?: DocumentSender; now?: () => number }): AggregatesStore {
  const table = tableClient({ tableName, client });
  return {
    async addCounters(workId, chunk, deltas) {
      const tx = table.transaction<'marker'>();
      tx.put({ ...keys.appliedChunk(workId, chunk), expiresAt: Math.floor(now() / 1000) + appliedMarkerTtlSeconds }, { tag: 'marker', condition: 'attribute_not_exists(pk)' });
      addToTransaction(tx, deltas);
      return commit(tx);
    },

    async readExtremes(items) {
      const found = await readAll<TypeDayItem>(table, items.map(({ day, type }) => keys.typeDay(type, day)));
      const extremes = new Map<string, { min: Record<string, number>; max: Record<string, number> }>();
      for (const item of found) {
        const min: Record<string, number> = {};
        const max: Record<string, number> = {};
        for (const [attribute, value] of Object.entries(item)) {
          if (typeof value !== 'number') continue;
          if (attribute.startsWith('min:')) min[attribute.slice(4)] = value;
          else if (attribute.startsWith('max:')) max[attribute.slice(4)] = value;
        }
        extremes.set(extremesId({ day: item.sk, type: item.pk.slice('TYPE#'.length) }), { min, max });
      }
      return extremes;
    },

    async improveExtremes(delta) {
      const names: Record<string, string> = {};
      const values: AttributeMap = {};
      const sets: string[] = [];
      const conditions: string[] = [];
      const entries = [...Object.entries(delta.min).map(([metric, value]) => ['min', metric, value] as const), ...Object.entries(delta.max).map(([metric, value]) => ['max', metric, value] as const)];
      entries.forEach(([which, metric, value], index) => {
        names[`#e${index}`] = `${which}:${metric}`;
        values[`:e${index}`] = value;
        sets.push(`#e${index} = :e${index}`);
        conditions.push(`(attribute_not_exists(#e${index}) OR #e${index} ${which === 'min' ? '>' : '<'} :e${index})`);
      });
      if (sets.length === 0) return 'applied';
      return conditional(() => table.updateItem({ key: keys.typeDay(delta.type, delta.day), update: `SET ${sets.join(', ')}`, condition: conditions.join(' AND '), names, values }));
    },

    async readSketches(items) {
      const found = await readAll<SketchItem>(table, items.map(({ kind, day }) => keys.sketch(kind, day)));
      return new Map(found.map((item) => [sketchId({ kind: item.pk.slice('HLL#'.length) as 'actors' | 'sessions', day: item.sk }), { bytes: item.sketch, version: item.version }]));
    },

    async writeSketch(kind, day, bytes, expectedVersion) {
      const item = { ...keys.sketch(kind, day), sketch: bytes, version: (expectedVersion ?? 0) + 1 };
      return conditional(() =>
        expectedVersion === null
          ? table.putItem(item, { condition: 'attribute_not_exists(pk)' })
          : table.putItem(item, { condition: '#version = :version', names: { '#version': 'version' }, values: { ':version': expectedVersion } }),
      );
    },

    async readActors(asks) {
      const itemKeys = asks.flatMap(({ actor, markers }) => [keys.actorFirst(actor), ...markers.map((marker) => keys.actorMarker(actor, marker.period, marker.start))]);
      const found = new Map((await readAll<ActorItem>(table, itemKeys)).map((item) => [`${item.pk}|${item.sk}`, item]));
      return asks.map(({ actor, markers }): ActorState => {
        const first = found.get(`${keys.actorFirst(actor).pk}|FIRST`);
        const existing = markers.flatMap((marker) => {
          const key = keys.actorMarker(actor, marker.period, marker.start);
          const item = found.get(`${key.pk}|${key.sk}`);
          return item?.cohort ? [{ ...marker, cohort: item.cohort }] : [];
        });
        return { actor, firstDay: first?.firstDay ?? null, rehomePending: first?.rehome === true, markers: existing };
      });
    },

    async commitActivity(writes, counters) {
      const tx = table.transaction();
      for (const write of writes) {
        const first = keys.actorFirst(write.actor);
        const names = { '#firstDay': 'firstDay' };
        if (write.expectedFirstDay === null) {
          tx.put({ ...first, firstDay: write.firstDay }, { tag: write.actor, condition: 'attribute_not_exists(pk)' });
        } else if (write.firstDay !== write.expectedFirstDay) {
          tx.update(first, 'SET #firstDay = :firstDay, #rehome = :rehome', {
            tag: write.actor,
            condition: '#firstDay = :expected',
            names: { ...names, '#rehome': 'rehome' },
            values: { ':firstDay': write.firstDay, ':expected': write.expectedFirstDay, ':rehome': true },
          });
        } else {
          tx.check(first, '#firstDay = :expected', { tag: write.actor, names, values: { ':expected': write.expectedFirstDay } });
        }
        for (const marker of write.markers) {
          tx.put({ ...keys.actorMarker(write.actor, marker.period, marker.start), cohort: marker.cohort, expiresAt: markerExpiresAt(marker) }, { tag: write.actor, condition: 'attribute_not_exists(pk)' });
        }
      }
      addToTransaction(tx, counters);
      let refused: string[] = [];
      const outcome = await commit(tx, (err) => {
        refused = [...new Set(err.failures.flatMap((failure) => (failure.tag === undefined ? [] : [failure.tag])))];
      });
      return outcome === 'refused' ? { outcome, actors: refused } : { outcome };
    },

    async actorMarkers(actor) {
      const markers: ActivityMarker[] = [];
      for await (const item of table.queryAll<ActorItem>({ keyCondition: 'pk = :pk', values: { ':pk': keys.actorPartition(actor).pk }, consistentRead: true, maxItems: 1000 })) {
        const marker = markerOfSk(item.sk);
        if (marker && item.cohort) markers.push({ ...marker, cohort: item.cohort });
      }
      return markers;
    },

    async rehomeMarker(actor, marker, cohort) {
      const tx = table.transaction();
      tx.update(keys.actorMarker(actor, marker.period, marker.start), 'SET #cohort = :cohort', { condition: '#cohort = :old', names: { '#cohort': 'cohort' }, values: { ':cohort': cohort, ':old': marker.cohort } });
      addToTransaction(tx, [
        { target: { item: 'cohort', period: marker.period, cohort: marker.cohort, active: marker.start }, add: { count: -1 } },
        { target: { item: 'cohort', period: marker.period, cohort, active: marker.start }, add: { count: 1 } },
      ]);
      return commit(tx);
    },

    async settleRehome(actor, firstDay) {
      // Refused: the first day moved again, and its mover has its own rehoming to finish.
      await conditional(() =>
        table.updateItem({ key: keys.actorFirst(actor), update: 'REMOVE #rehome', condition: '#firstDay = :firstDay', names: { '#rehome': 'rehome', '#firstDay': 'firstDay' }, values: { ':firstDay': firstDay } }),
      );
    },
  };
}
