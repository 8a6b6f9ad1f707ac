import { counterChunkSize, eventAggregates, maxExtremesPerUpdate } from '../../src/domain/aggregates';
import type { EventRow } from '../../src/domain/batch';
import type { RetryPolicy } from '../../src/domain/write-retries';
import { WriteConflictError } from '../../src/domain/write-retries';
import { CrashError, FakeAggregates } from './support/fake-aggregates';
import { exactSketches } from './support/exact-sketch';
import { appEvent, row } from './support/rows';

const immediate: RetryPolicy = { attempts: 4, backoff: { baseMs: 1, capMs: 1 }, wait: async () => undefined };

function setup() {
  const store = new FakeAggregates();
  const aggregates = eventAggregates({ store, sketches: exactSketches, retry: immediate });
  return { store, aggregates };
}

/** A snapshot of everything the store counts, to compare two histories. */
function snapshot(store: FakeAggregates) {
  return JSON.stringify({
    counters: [...store.counters].sort(),
    extremes: [...store.extremes].sort(),
    sketches: [...store.sketchItems].map(([id, item]) => [id, Buffer.from(item.bytes).toString()]).sort(),
    firstDays: [...store.firstDays].sort(),
    markers: [...store.markers].map(([actor, markers]) => [actor, [...markers].sort()]).sort(),
  });
}

/** Rows with `values` distinct attribute values: more than one chunk of counters. */
function manyTargets(values: number): EventRow[] {
  return Array.from({ length: values }, (_, index) => appEvent(`u_${index % 3}`, '2026-11-28', { attributes: { screen: `s${index}` }, metrics: { ms: index } }));
}

describe('EventAggregates.apply', () => {
  it('counts a work once when it is applied twice', async () => {
    // Prepare
    const { store, aggregates } = setup();
    const rows = manyTargets(150);
    await aggregates.apply('work-1', rows);
    const once = snapshot(store);

    // Act
    await aggregates.apply('work-1', rows);

    // Assess
    expect(snapshot(store)).toBe(once);
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'events')).toBe(150);
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'activeUsers')).toBe(3);
    expect(store.counter({ item: 'typeDay', type: 'photo.taken', day: '2026-11-28' }, 'sum:ms')).toBe((149 * 150) / 2);
    // The retry wrote no sketch and no activity again.
    expect(store.calls.filter((call) => call === 'writeSketch')).toHaveLength(1);
    expect(store.calls.filter((call) => call === 'commitActivity')).toHaveLength(1);
  });

  it('applies the chunks a crash left out when the work is retried, and none twice', async () => {
    // Prepare
    const { store, aggregates } = setup();
    const rows = manyTargets(250);
    const reference = setup();
    await reference.aggregates.apply('work-1', rows);
    store.faults.set('addCounters', [undefined, 'crash']);

    // Act
    const crashed = await aggregates.apply('work-1', rows).catch((err: unknown) => err);
    const afterCrash = store.counter({ item: 'day', day: '2026-11-28' }, 'events');
    await aggregates.apply('work-1', [...rows].reverse());

    // Assess
    expect(crashed).toBeInstanceOf(CrashError);
    expect(store.applied.size).toBe(3);
    // Chunk 0 (attribute values sort first) landed before the crash; the day's total is in a later one.
    expect(afterCrash).toBe(0);
    expect(snapshot(store)).toBe(snapshot(reference.store));
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'events')).toBe(250);
  });

  it('chunks counters by 99 with a marker each', async () => {
    // Prepare
    const { store, aggregates } = setup();

    // Act
    await aggregates.apply('work-1', manyTargets(200));

    // Assess: 200 attribute values, the day, its type and the type's day
    expect(counterChunkSize).toBe(99);
    expect([...store.applied].sort()).toEqual(['work-1#0', 'work-1#1', 'work-1#2']);
    // 203 counter items, and the activity's two cohort cells (its totals share the day's item)
    expect(store.counters.size).toBe(205);
  });

  it('tries a conflicting write again, and fails the work when it keeps conflicting', async () => {
    // Prepare
    const { store, aggregates } = setup();
    const rows = [appEvent('u_a', '2026-11-28')];
    store.faults.set('addCounters', ['conflict', 'conflict']);
    store.faults.set('commitActivity', ['conflict']);
    store.faults.set('writeSketch', ['conflict']);

    // Act
    await aggregates.apply('work-1', rows);
    store.faults.set('addCounters', Array(4).fill('conflict'));
    const failed = await aggregates.apply('work-2', [appEvent('u_a', '2026-11-29')]).catch((err: unknown) => err);

    // Assess
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'events')).toBe(1);
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'activeUsers')).toBe(1);
    expect(store.sketchItems.size).toBe(1);
    expect(failed).toBeInstanceOf(WriteConflictError);
    expect(store.counter({ item: 'day', day: '2026-11-29' }, 'events')).toBe(0);
  });

  it('counts two works of the same actor and day once as active, twice as events', async () => {
    // Prepare
    const { store, aggregates } = setup();

    // Act
    await Promise.all([aggregates.apply('work-1', [appEvent('u_a', '2026-11-28')]), aggregates.apply('work-2', [appEvent('u_a', '2026-11-28')])]);

    // Assess
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'events')).toBe(2);
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'activeUsers')).toBe(1);
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'newUsers')).toBe(1);
    expect(store.counter({ item: 'cohort', period: 'day', cohort: '2026-11-28', active: '2026-11-28' })).toBe(1);
  });

  it('keeps the lowest minimum and highest maximum across works, also when another writer got there first', async () => {
    // Prepare
    const { store, aggregates } = setup();
    await aggregates.apply('work-1', [appEvent('u_a', '2026-11-28', { metrics: { ms: 10 } })]);
    // This work read the extremes before a racing one lowered the minimum below its own.
    const stale = store.readExtremes.bind(store);
    store.readExtremes = async (items) => {
      const read = await stale(items);
      store.extremes.set(JSON.stringify(['2026-11-28', 'photo.taken']), { min: { ms: 1 }, max: { ms: 10 } });
      return read;
    };

    // Act
    await aggregates.apply('work-2', [appEvent('u_a', '2026-11-28', { metrics: { ms: 5 } }), appEvent('u_a', '2026-11-28', { metrics: { ms: 20 } })]);

    // Assess
    expect(store.extremes.get(JSON.stringify(['2026-11-28', 'photo.taken']))).toEqual({ min: { ms: 1 }, max: { ms: 20 } });
    expect(store.calls.filter((call) => call === 'improveExtremes')).toHaveLength(1 + 1 + 2);
  });

  it('sets 40 metrics’ minima and maxima in updates of at most 32', async () => {
    // Prepare
    const { store, aggregates } = setup();
    const metrics = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`m${index}`, index]));

    // Act
    await aggregates.apply('work-1', [appEvent('u_a', '2026-11-28', { metrics })]);

    // Assess
    expect(maxExtremesPerUpdate).toBe(32);
    expect(store.calls.filter((call) => call === 'improveExtremes')).toHaveLength(3);
    expect(store.extremes.get(JSON.stringify(['2026-11-28', 'photo.taken']))).toEqual({ min: metrics, max: metrics });
  });

  it('merges a sketch again when another writer changed it since it was read', async () => {
    // Prepare
    const { store, aggregates } = setup();
    await aggregates.apply('work-1', [appEvent('u_a', '2026-11-28')]);
    const read = store.readSketches.bind(store);
    let raced = false;
    store.readSketches = async (items) => {
      const found = await read(items);
      if (!raced) {
        raced = true;
        await store.writeSketch('actors', '2026-11-28', exactSketches.fromBytes(new TextEncoder().encode('["u_a","u_c"]')).toBytes(), 1);
      }
      return found;
    };

    // Act
    await aggregates.apply('work-2', [appEvent('u_b', '2026-11-28')]);

    // Assess
    const stored = store.sketchItems.get('actors#2026-11-28');
    expect(stored && exactSketches.fromBytes(stored.bytes).count()).toBe(3);
    expect(stored?.version).toBe(3);
  });

  it('makes no one active with server events, and counts them by type', async () => {
    // Prepare
    const { store, aggregates } = setup();

    // Act
    await aggregates.apply('work-1', [row({ type: 'server.user.signed_up', at: '2026-11-28T08:00:00.000Z', actor: 'u_a' })]);

    // Assess
    expect(store.counter({ item: 'dayType', day: '2026-11-28', type: 'server.user.signed_up' })).toBe(1);
    expect(store.counter({ item: 'day', day: '2026-11-28' }, 'events')).toBe(0);
    expect(store.firstDays.size).toBe(0);
    expect(store.sketchItems.size).toBe(0);
  });
});
