import { foldRows, storable } from '../../src/domain/aggregate-deltas';
import type { CounterDelta } from '../../src/domain/aggregate-deltas';
import { appEvent, row } from './support/rows';

const byTarget = (counters: CounterDelta[], item: string) => counters.filter((delta) => delta.target.item === item);

describe('foldRows', () => {
  it('counts app events per day, every event per day and type, metric sums and attribute values', () => {
    // Prepare
    const rows = [
      appEvent('u_a', '2026-11-28', { type: 'photo.taken', metrics: { size: 3 }, attributes: { camera: 'front' } }),
      appEvent('u_a', '2026-11-28', { type: 'photo.taken', metrics: { size: 5 }, attributes: { camera: 'back' } }),
      appEvent('u_b', '2026-11-29', { type: 'photo.taken', metrics: { size: 2, zoom: 1.5 }, attributes: { camera: 'front' } }),
      row({ type: 'server.note.created', at: '2026-11-28T10:00:00.000Z', actor: 'u_a', metrics: { tags: 2 }, attributes: { visibility: 'private' } }),
    ];

    // Act
    const { counters } = foldRows(rows);

    // Assess
    expect(byTarget(counters, 'day')).toEqual([
      { target: { item: 'day', day: '2026-11-28' }, add: { events: 2 } },
      { target: { item: 'day', day: '2026-11-29' }, add: { events: 1 } },
    ]);
    expect(byTarget(counters, 'dayType')).toEqual([
      { target: { item: 'dayType', day: '2026-11-28', type: 'photo.taken' }, add: { count: 2 } },
      { target: { item: 'dayType', day: '2026-11-28', type: 'server.note.created' }, add: { count: 1 } },
      { target: { item: 'dayType', day: '2026-11-29', type: 'photo.taken' }, add: { count: 1 } },
    ]);
    expect(byTarget(counters, 'typeDay')).toEqual([
      { target: { item: 'typeDay', type: 'photo.taken', day: '2026-11-28' }, add: { count: 2 }, sums: { size: 8 } },
      { target: { item: 'typeDay', type: 'photo.taken', day: '2026-11-29' }, add: { count: 1 }, sums: { size: 2, zoom: 1.5 } },
      { target: { item: 'typeDay', type: 'server.note.created', day: '2026-11-28' }, add: { count: 1 }, sums: { tags: 2 } },
    ]);
    expect(byTarget(counters, 'attribute').map(({ target, add }) => [target, add.count])).toEqual([
      [{ item: 'attribute', type: 'photo.taken', key: 'camera', value: 'back', day: '2026-11-28' }, 1],
      [{ item: 'attribute', type: 'photo.taken', key: 'camera', value: 'front', day: '2026-11-28' }, 1],
      [{ item: 'attribute', type: 'photo.taken', key: 'camera', value: 'front', day: '2026-11-29' }, 1],
      [{ item: 'attribute', type: 'server.note.created', key: 'visibility', value: 'private', day: '2026-11-28' }, 1],
    ]);
  });

  it('keeps min and max per day, type and metric', () => {
    // Prepare
    const rows = [3, -1, 7].map((size) => appEvent('u_a', '2026-11-28', { metrics: { size, fixed: 1 } }));

    // Act
    const { extremes } = foldRows(rows);

    // Assess
    expect(extremes).toEqual([{ day: '2026-11-28', type: 'photo.taken', min: { size: -1, fixed: 1 }, max: { size: 7, fixed: 1 } }]);
  });

  it('feeds the day sketches with the actors and sessions of app events only, and lists each actor’s days and weeks', () => {
    // Prepare
    const session = '9a7d6c5b-4e3f-4a2b-8c1d-0e9f8a7b6c5d';
    const rows = [
      appEvent('u_b', '2026-11-30', { session_id: session }),
      appEvent('u_b', '2026-11-29', { session_id: session }),
      appEvent('u_a', '2026-11-29'),
      appEvent('u_b', '2026-11-30', { session_id: session }),
      row({ type: 'server.user.signed_up', at: '2026-11-27T08:00:00.000Z', actor: 'u_c' }),
    ];

    // Act
    const { sketches, actors } = foldRows(rows);

    // Assess
    expect(sketches).toEqual([
      { kind: 'actors', day: '2026-11-29', values: ['u_a', 'u_b'] },
      { kind: 'actors', day: '2026-11-30', values: ['u_b'] },
      { kind: 'sessions', day: '2026-11-29', values: [session] },
      { kind: 'sessions', day: '2026-11-30', values: [session] },
    ]);
    // 2026-11-29 is a Sunday: its week started on Monday the 23rd; the 30th starts the next.
    expect(actors).toEqual([
      { actor: 'u_a', earliest: '2026-11-29', days: ['2026-11-29'], weeks: ['2026-11-23'] },
      { actor: 'u_b', earliest: '2026-11-29', days: ['2026-11-29', '2026-11-30'], weeks: ['2026-11-23', '2026-11-30'] },
    ]);
  });

  it('folds the same rows in any order into the same deltas', () => {
    // Prepare
    const rows = Array.from({ length: 40 }, (_, index) =>
      appEvent(`u_${index % 7}`, `2026-11-${String(10 + (index % 5)).padStart(2, '0')}`, { type: `t${index % 3}`, metrics: { m: index / 10 }, attributes: { k: `v${index % 4}` } }),
    );

    // Act
    const forward = foldRows(rows);
    const backward = foldRows([...rows].reverse());

    // Assess
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it('leaves out metric values DynamoDB cannot store, and rounds the tiniest to 0', () => {
    // Prepare
    const rows = [appEvent('u_a', '2026-11-28', { metrics: { huge: 1e200, tiny: 1e-200, fine: -2.5 } })];

    // Act
    const { counters, extremes } = foldRows(rows);

    // Assess
    expect(byTarget(counters, 'typeDay')[0]?.sums).toEqual({ tiny: 0, fine: -2.5 });
    expect(extremes[0]?.max).toEqual({ tiny: 0, fine: -2.5 });
    expect([storable(-1e125), storable(9.9e124), storable(-1e-131)]).toEqual([null, 9.9e124, 0]);
  });
});
