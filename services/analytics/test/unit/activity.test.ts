import { cohortOf, groupWrites, maxMarkersPerWrite, planActor, transactionItems } from '../../src/domain/activity';
import { eventAggregates } from '../../src/domain/aggregates';
import { addDays, daysOf } from '../../src/domain/days';
import type { ActivityWrite } from '../../src/domain/ports';
import { readRetention } from '../../src/domain/retention';
import type { RetryPolicy } from '../../src/domain/write-retries';
import { CrashError, FakeAggregates } from './support/fake-aggregates';
import { exactSketches } from './support/exact-sketch';
import { appEvent } from './support/rows';

const immediate: RetryPolicy = { attempts: 4, backoff: { baseMs: 1, capMs: 1 }, wait: async () => undefined };

function setup() {
  const store = new FakeAggregates();
  return { store, aggregates: eventAggregates({ store, sketches: exactSketches, retry: immediate }) };
}

const newUsers = (store: FakeAggregates, day: string) => store.counter({ item: 'day', day }, 'newUsers');
const dayCell = (store: FakeAggregates, cohort: string, active: string) => store.counter({ item: 'cohort', period: 'day', cohort, active });
const weekCell = (store: FakeAggregates, cohort: string, active: string) => store.counter({ item: 'cohort', period: 'week', cohort, active });

describe('first days and cohorts', () => {
  it('counts a new actor on its first day, in its day and week cohorts', async () => {
    // Prepare
    const { store, aggregates } = setup();

    // Act: Saturday and the Monday after
    await aggregates.apply('work-1', [appEvent('u_a', '2026-11-28'), appEvent('u_a', '2026-11-30')]);

    // Assess
    expect(store.firstDays.get('u_a')).toEqual({ firstDay: '2026-11-28', rehome: false });
    expect([newUsers(store, '2026-11-28'), newUsers(store, '2026-11-30')]).toEqual([1, 0]);
    expect([dayCell(store, '2026-11-28', '2026-11-28'), dayCell(store, '2026-11-28', '2026-11-30')]).toEqual([1, 1]);
    expect([weekCell(store, '2026-11-23', '2026-11-23'), weekCell(store, '2026-11-23', '2026-11-30')]).toEqual([1, 1]);
  });

  it('moves the first day earlier when a late event arrives, with newUsers and the cohort of every marker', async () => {
    // Prepare: first seen on Thursday the 10th, active on the 12th and the next Monday
    const { store, aggregates } = setup();
    await aggregates.apply('work-1', [appEvent('u_a', '2026-12-10'), appEvent('u_a', '2026-12-12'), appEvent('u_a', '2026-12-14')]);

    // Act: an event of the Friday the week before arrives late
    await aggregates.apply('work-2', [appEvent('u_a', '2026-12-04')]);

    // Assess
    expect(store.firstDays.get('u_a')).toEqual({ firstDay: '2026-12-04', rehome: false });
    expect([newUsers(store, '2026-12-04'), newUsers(store, '2026-12-10')]).toEqual([1, 0]);
    for (const active of ['2026-12-04', '2026-12-10', '2026-12-12', '2026-12-14']) expect(dayCell(store, '2026-12-04', active)).toBe(1);
    for (const active of ['2026-12-10', '2026-12-12', '2026-12-14']) expect(dayCell(store, '2026-12-10', active)).toBe(0);
    expect([weekCell(store, '2026-11-30', '2026-11-30'), weekCell(store, '2026-11-30', '2026-12-07'), weekCell(store, '2026-11-30', '2026-12-14')]).toEqual([1, 1, 1]);
    expect([weekCell(store, '2026-12-07', '2026-12-07'), weekCell(store, '2026-12-07', '2026-12-14')]).toEqual([0, 0]);
    expect(store.counter({ item: 'day', day: '2026-12-10' }, 'activeUsers')).toBe(1);
  });

  it('keeps the first day when an event later than it arrives', async () => {
    // Prepare
    const { store, aggregates } = setup();
    await aggregates.apply('work-1', [appEvent('u_a', '2026-12-04')]);

    // Act
    await aggregates.apply('work-2', [appEvent('u_a', '2026-12-10')]);

    // Assess
    expect(store.firstDays.get('u_a')?.firstDay).toBe('2026-12-04');
    expect([newUsers(store, '2026-12-04'), newUsers(store, '2026-12-10')]).toEqual([1, 0]);
    expect(dayCell(store, '2026-12-04', '2026-12-10')).toBe(1);
  });

  it('finishes moving the markers after a crash halfway, when the work is retried', async () => {
    // Prepare
    const { store, aggregates } = setup();
    await aggregates.apply('work-1', [appEvent('u_a', '2026-12-10'), appEvent('u_a', '2026-12-11'), appEvent('u_a', '2026-12-12')]);
    store.faults.set('rehomeMarker', [undefined, 'crash']);
    const late = [appEvent('u_a', '2026-12-08')];

    // Act
    const crashed = await aggregates.apply('work-2', late).catch((err: unknown) => err);
    const flagged = store.firstDays.get('u_a')?.rehome;
    await aggregates.apply('work-2', late);

    // Assess
    expect(crashed).toBeInstanceOf(CrashError);
    expect(flagged).toBe(true);
    expect(store.firstDays.get('u_a')).toEqual({ firstDay: '2026-12-08', rehome: false });
    expect(daysOf('2026-12-08', '2026-12-12').filter((day) => day !== '2026-12-09').map((active) => dayCell(store, '2026-12-08', active))).toEqual([1, 1, 1, 1]);
    expect(daysOf('2026-12-10', '2026-12-12').map((active) => dayCell(store, '2026-12-10', active))).toEqual([0, 0, 0]);
    expect(newUsers(store, '2026-12-08') + newUsers(store, '2026-12-10')).toBe(1);
  });

  it('records a month of one actor’s offline events in transactions of at most 100 items', async () => {
    // Prepare
    const { store, aggregates } = setup();
    const days = daysOf('2026-11-01', '2026-12-05');
    const rows = days.map((day) => appEvent('u_a', day));

    // Act
    await aggregates.apply('work-1', [...rows, appEvent('u_b', '2026-11-20')]);

    // Assess: the fake refuses transactions over 100 items
    expect(store.markers.get('u_a')?.size).toBe(days.length + 6);
    expect(days.map((day) => store.counter({ item: 'day', day }, 'activeUsers'))).toEqual(days.map((day) => (day === '2026-11-20' ? 2 : 1)));
    expect(days.map((day) => dayCell(store, '2026-11-01', day))).toEqual(days.map(() => 1));
    expect(store.calls.filter((call) => call === 'commitActivity').length).toBeGreaterThan(1);
  });

  it('answers retention per day and per week from the cohort counters, every period listed', async () => {
    // Prepare: a new on Monday 11-30 and back on Wednesday; b new on Tuesday; c new on Monday 12-07 (next week)
    const { store, aggregates } = setup();
    await aggregates.apply('work-1', [appEvent('u_a', '2026-11-30'), appEvent('u_a', '2026-12-02'), appEvent('u_b', '2026-12-01')]);
    await aggregates.apply('work-2', [appEvent('u_c', '2026-12-07'), appEvent('u_a', '2026-12-08')]);

    // Act
    const daily = await readRetention({ from: '2026-11-30', to: '2026-12-02' }, 'day', store);
    const weekly = await readRetention({ from: '2026-12-01', to: '2026-12-08' }, 'week', store);

    // Assess
    expect(daily).toEqual({
      cohorts: [
        { start: '2026-11-30', size: 1, retained: [1, 0, 1] },
        { start: '2026-12-01', size: 1, retained: [1, 0] },
        { start: '2026-12-02', size: 0, retained: [0] },
      ],
    });
    expect(weekly).toEqual({
      cohorts: [
        { start: '2026-11-30', size: 2, retained: [2, 1] },
        { start: '2026-12-07', size: 1, retained: [1] },
      ],
    });
  });
});

describe('planning an actor', () => {
  const activity = { actor: 'u_a', earliest: '2026-12-04', days: ['2026-12-04', '2026-12-05'], weeks: ['2026-11-30'] };

  it('writes only the missing markers, under the cohort of the earlier first day, and asks for rehoming', () => {
    // Act
    const plan = planActor(activity, { actor: 'u_a', firstDay: '2026-12-05', rehomePending: false, markers: [{ period: 'day', start: '2026-12-05', cohort: '2026-12-05' }] });

    // Assess
    expect(plan).toEqual({
      write: {
        actor: 'u_a',
        expectedFirstDay: '2026-12-05',
        firstDay: '2026-12-04',
        markers: [
          { period: 'day', start: '2026-12-04', cohort: '2026-12-04' },
          { period: 'week', start: '2026-11-30', cohort: '2026-11-30' },
        ],
      },
      unfinished: false,
      rehome: true,
    });
  });

  it('writes nothing for an actor already counted', () => {
    // Act
    const plan = planActor(activity, {
      actor: 'u_a',
      firstDay: '2026-12-01',
      rehomePending: false,
      markers: [
        { period: 'day', start: '2026-12-04', cohort: '2026-12-01' },
        { period: 'day', start: '2026-12-05', cohort: '2026-12-01' },
        { period: 'week', start: '2026-11-30', cohort: '2026-11-30' },
      ],
    });

    // Assess
    expect(plan).toEqual({ write: undefined, unfinished: false, rehome: false });
  });

  it('groups writes so no transaction passes 100 items', () => {
    // Prepare
    const writes: ActivityWrite[] = Array.from({ length: 40 }, (_, index) => ({
      actor: `u_${index}`,
      expectedFirstDay: null,
      firstDay: addDays('2026-11-01', index),
      markers: [{ period: 'day' as const, start: addDays('2026-11-01', index), cohort: addDays('2026-11-01', index) }],
    }));

    // Act
    const groups = groupWrites(writes);

    // Assess: each write is 2 items and adds 2 counters (its day's totals, its cohort cell)
    expect(groups.flat()).toEqual(writes);
    expect(groups.map((group) => group.length)).toEqual([25, 15]);
    expect(transactionItems).toBe(100);
    expect(maxMarkersPerWrite).toBe(20);
    expect(cohortOf('week', '2026-12-06')).toBe('2026-11-30');
  });
});
