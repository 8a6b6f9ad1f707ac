// In-memory aggregates with the contracts of the DynamoDB adapters (aggregates-writes.ts, aggregates-reads.ts):
// counter chunks with applied-markers, conditional extremes, versioned sketches, first days and markers checked
// like DynamoDB's conditions, each transaction all or nothing. Faults can be injected per operation: a conflict
// (nothing written, try again) or a crash (the work dies there).
import type { CounterDelta, CounterTarget, Period } from '../../../src/domain/aggregate-deltas';
import { own, targetId } from '../../../src/domain/aggregate-deltas';
import type { ActivityMarker, ActivityOutcome, AggregatesReader, AggregatesStore, ActorState, DayTotals, TypeDay, WriteOutcome } from '../../../src/domain/ports';
import { extremesId, sketchId } from '../../../src/domain/ports';
import type { SketchKind } from '../../../src/domain/sketch';

type Operation = keyof AggregatesStore;
/** What a fault makes of the call: `conflict` answers a conflict, `crash` throws before anything is written. */
export type Fault = 'conflict' | 'crash';

const markerId = (marker: Pick<ActivityMarker, 'period' | 'start'>) => `${marker.period}#${marker.start}`;

export class CrashError extends Error {
  constructor(operation: string) {
    super(`injected crash in ${operation}`);
  }
}

export class FakeAggregates implements AggregatesStore, AggregatesReader {
  readonly counters = new Map<string, { target: CounterTarget; fields: Record<string, number> }>();
  readonly applied = new Set<string>();
  readonly extremes = new Map<string, { min: Record<string, number>; max: Record<string, number> }>();
  readonly sketchItems = new Map<string, { bytes: Uint8Array; version: number }>();
  readonly firstDays = new Map<string, { firstDay: string; rehome: boolean }>();
  readonly markers = new Map<string, Map<string, ActivityMarker>>();
  readonly calls: Operation[] = [];
  /** Faults to inject, by operation, in call order (`undefined` lets a call through). */
  readonly faults = new Map<Operation, Array<Fault | undefined>>();

  private fault(operation: Operation): Fault | undefined {
    this.calls.push(operation);
    const fault = this.faults.get(operation)?.shift();
    if (fault === 'crash') throw new CrashError(operation);
    return fault;
  }

  private add(deltas: CounterDelta[]): void {
    for (const delta of deltas) {
      const id = targetId(delta.target);
      const item = this.counters.get(id) ?? { target: delta.target, fields: {} };
      for (const [field, amount] of Object.entries(delta.add)) item.fields[field] = (item.fields[field] ?? 0) + amount;
      for (const [metric, sum] of Object.entries(delta.sums ?? {})) item.fields[`sum:${metric}`] = (item.fields[`sum:${metric}`] ?? 0) + sum;
      this.counters.set(id, item);
    }
  }

  /** A counter's field, 0 when absent. */
  counter(target: CounterTarget, field = 'count'): number {
    return this.counters.get(targetId(target))?.fields[field] ?? 0;
  }

  async addCounters(workId: string, chunk: number, deltas: CounterDelta[]): Promise<WriteOutcome> {
    if (this.fault('addCounters') === 'conflict') return 'conflict';
    if (deltas.length > 99) throw new Error('more than 99 counters in one transaction');
    const marker = `${workId}#${chunk}`;
    if (this.applied.has(marker)) return 'refused';
    this.applied.add(marker);
    this.add(deltas);
    return 'applied';
  }

  async readExtremes(items: Array<{ day: string; type: string }>) {
    this.calls.push('readExtremes');
    const found = new Map<string, { min: Record<string, number>; max: Record<string, number> }>();
    for (const item of items) {
      const stored = this.extremes.get(extremesId(item));
      if (stored) found.set(extremesId(item), structuredClone(stored));
    }
    return found;
  }

  async improveExtremes(delta: { day: string; type: string; min: Record<string, number>; max: Record<string, number> }): Promise<WriteOutcome> {
    if (this.fault('improveExtremes') === 'conflict') return 'conflict';
    const stored = this.extremes.get(extremesId(delta)) ?? { min: {}, max: {} };
    const improves =
      Object.entries(delta.min).every(([metric, value]) => (own(stored.min, metric) ?? Infinity) > value) &&
      Object.entries(delta.max).every(([metric, value]) => (own(stored.max, metric) ?? -Infinity) < value);
    if (!improves) return 'refused';
    Object.assign(stored.min, delta.min);
    Object.assign(stored.max, delta.max);
    this.extremes.set(extremesId(delta), stored);
    return 'applied';
  }

  async readSketches(items: Array<{ kind: SketchKind; day: string }>) {
    this.calls.push('readSketches');
    const found = new Map<string, { bytes: Uint8Array; version: number }>();
    for (const item of items) {
      const stored = this.sketchItems.get(sketchId(item));
      if (stored) found.set(sketchId(item), { ...stored });
    }
    return found;
  }

  async writeSketch(kind: SketchKind, day: string, bytes: Uint8Array, expectedVersion: number | null): Promise<WriteOutcome> {
    if (this.fault('writeSketch') === 'conflict') return 'conflict';
    const id = sketchId({ kind, day });
    if ((this.sketchItems.get(id)?.version ?? null) !== expectedVersion) return 'refused';
    this.sketchItems.set(id, { bytes, version: (expectedVersion ?? 0) + 1 });
    return 'applied';
  }

  private markersOf(actor: string): Map<string, ActivityMarker> {
    let markers = this.markers.get(actor);
    if (!markers) this.markers.set(actor, (markers = new Map()));
    return markers;
  }

  async readActors(asks: Array<{ actor: string; markers: Array<Pick<ActivityMarker, 'period' | 'start'>> }>): Promise<ActorState[]> {
    this.calls.push('readActors');
    return asks.map(({ actor, markers }) => {
      const first = this.firstDays.get(actor);
      const stored = this.markersOf(actor);
      return {
        actor,
        firstDay: first?.firstDay ?? null,
        rehomePending: first?.rehome ?? false,
        markers: markers.flatMap((marker) => {
          const found = stored.get(markerId(marker));
          return found ? [{ ...found }] : [];
        }),
      };
    });
  }

  async commitActivity(writes: Parameters<AggregatesStore['commitActivity']>[0], counters: CounterDelta[]): Promise<ActivityOutcome> {
    if (this.fault('commitActivity') === 'conflict') return { outcome: 'conflict' };
    const items = writes.reduce((sum, write) => sum + 1 + write.markers.length, 0) + counters.length;
    if (items > 100) throw new Error(`a transaction of ${items} items`);
    const refused = writes.filter((write) => {
      const stored = this.firstDays.get(write.actor)?.firstDay ?? null;
      if (stored !== write.expectedFirstDay) return true;
      return write.markers.some((marker) => this.markersOf(write.actor).has(markerId(marker)));
    });
    if (refused.length > 0) return { outcome: 'refused', actors: refused.map((write) => write.actor) };
    for (const write of writes) {
      const current = this.firstDays.get(write.actor);
      if (!current) this.firstDays.set(write.actor, { firstDay: write.firstDay, rehome: false });
      else if (current.firstDay !== write.firstDay) this.firstDays.set(write.actor, { firstDay: write.firstDay, rehome: true });
      for (const marker of write.markers) this.markersOf(write.actor).set(markerId(marker), { ...marker });
    }
    this.add(counters);
    return { outcome: 'applied' };
  }

  async actorMarkers(actor: string): Promise<ActivityMarker[]> {
    this.calls.push('actorMarkers');
    return [...this.markersOf(actor).values()].map((marker) => ({ ...marker }));
  }

  async rehomeMarker(actor: string, marker: ActivityMarker, cohort: string): Promise<WriteOutcome> {
    if (this.fault('rehomeMarker') === 'conflict') return 'conflict';
    const stored = this.markersOf(actor).get(markerId(marker));
    if (stored?.cohort !== marker.cohort) return 'refused';
    stored.cohort = cohort;
    this.add([
      { target: { item: 'cohort', period: marker.period, cohort: marker.cohort, active: marker.start }, add: { count: -1 } },
      { target: { item: 'cohort', period: marker.period, cohort, active: marker.start }, add: { count: 1 } },
    ]);
    return 'applied';
  }

  async settleRehome(actor: string, firstDay: string): Promise<void> {
    this.fault('settleRehome');
    const current = this.firstDays.get(actor);
    if (current?.firstDay === firstDay) current.rehome = false;
  }

  // The reads.

  private targets<T extends CounterTarget['item']>(item: T): Array<{ target: Extract<CounterTarget, { item: T }>; fields: Record<string, number> }> {
    return [...this.counters.values()].filter((entry) => entry.target.item === item) as Array<{ target: Extract<CounterTarget, { item: T }>; fields: Record<string, number> }>;
  }

  async dayTotals(from: string, to: string): Promise<DayTotals[]> {
    return this.targets('day')
      .filter(({ target }) => target.day >= from && target.day <= to)
      .map(({ target, fields }) => ({ day: target.day, events: fields.events ?? 0, newUsers: fields.newUsers ?? 0, activeUsers: fields.activeUsers ?? 0 }));
  }

  async typeCounts(from: string, to: string) {
    return this.targets('dayType')
      .filter(({ target }) => target.day >= from && target.day <= to)
      .map(({ target, fields }) => ({ day: target.day, type: target.type, count: fields.count ?? 0 }));
  }

  async sketches(kind: SketchKind, from: string, to: string) {
    return [...this.sketchItems]
      .filter(([id]) => id.startsWith(`${kind}#`))
      .map(([id, item]) => ({ day: id.slice(kind.length + 1), bytes: item.bytes }))
      .filter(({ day }) => day >= from && day <= to);
  }

  async typeDays(type: string, from: string, to: string): Promise<TypeDay[]> {
    return this.targets('typeDay')
      .filter(({ target }) => target.type === type && target.day >= from && target.day <= to)
      .map(({ target, fields }) => {
        const extremes = this.extremes.get(extremesId(target));
        const metrics: TypeDay['metrics'] = {};
        for (const [field, sum] of Object.entries(fields)) {
          const metric = field.slice(4);
          const min = own(extremes?.min, metric);
          const max = own(extremes?.max, metric);
          if (field.startsWith('sum:') && min !== undefined && max !== undefined) metrics[metric] = { sum, min, max };
        }
        return { day: target.day, count: fields.count ?? 0, metrics };
      });
  }

  async attributeCounts(type: string, key: string, from: string, to: string, maxItems: number) {
    const items = this.targets('attribute')
      .filter(({ target }) => target.type === type && target.key === key && target.day >= from && target.day <= to)
      .map(({ target, fields }) => ({ day: target.day, value: target.value, count: fields.count ?? 0 }));
    return { items: items.slice(0, maxItems), truncated: items.length > maxItems };
  }

  async cohortCells(period: Period, from: string, to: string) {
    return this.targets('cohort')
      .filter(({ target }) => target.period === period && target.cohort >= from && target.cohort <= to && target.active <= to)
      .map(({ target, fields }) => ({ cohort: target.cohort, active: target.active, count: fields.count ?? 0 }));
  }
}
