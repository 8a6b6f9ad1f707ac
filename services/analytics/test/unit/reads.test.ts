import { ValidationError } from '@photonotes/shared/errors';
import { apiSchemas } from '@photonotes/shared/openapi';
import { fullFormats } from 'ajv-formats/dist/formats';
import { parseInput } from '@photonotes/shared/validation';
import { eventAggregates } from '../../src/domain/aggregates';
import type { EventRow } from '../../src/domain/batch';
import { byValuesSize, readEventReport } from '../../src/domain/event-report';
import { isDate } from '../../src/domain/days';
import { eventReportQuery, eventTypePath, rangeQuery, resolveRange, retentionQuery } from '../../src/domain/read-range';
import { hyperLogLogSketches } from '../../src/domain/sketch';
import type { SketchCodec } from '../../src/domain/sketch';
import { readSummary, topEventsSize } from '../../src/domain/summary';
import type { RetryPolicy } from '../../src/domain/write-retries';
import { FakeAggregates } from './support/fake-aggregates';
import { exactSketches } from './support/exact-sketch';
import { appEvent, row } from './support/rows';

const immediate: RetryPolicy = { attempts: 4, backoff: { baseMs: 1, capMs: 1 }, wait: async () => undefined };

async function stored(rows: EventRow[], sketches: SketchCodec = exactSketches): Promise<FakeAggregates> {
  const store = new FakeAggregates();
  await eventAggregates({ store, sketches, retry: immediate }).apply('work-1', rows);
  return store;
}

const session = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('GET /analytics/summary', () => {
  it('lists every day of the range with zeros, totals each actor and session once, and the top events', async () => {
    // Prepare
    const reader = await stored([
      appEvent('u_a', '2026-11-28', { session_id: session(1) }),
      appEvent('u_a', '2026-11-28', { session_id: session(1), type: 'note.opened' }),
      appEvent('u_b', '2026-11-28', { session_id: session(2) }),
      appEvent('u_a', '2026-11-30', { session_id: session(3) }),
      row({ type: 'server.note.created', at: '2026-11-30T10:00:00.000Z', actor: 'u_a' }),
      row({ type: 'server.note.created', at: '2026-11-30T11:00:00.000Z', actor: 'u_c' }),
      row({ type: 'server.note.created', at: '2026-12-05T11:00:00.000Z', actor: 'u_c' }),
    ]);

    // Act
    const summary = await readSummary({ from: '2026-11-27', to: '2026-11-30' }, { reader, sketches: exactSketches });

    // Assess
    expect(summary).toEqual({
      days: [
        { date: '2026-11-27', activeUsers: 0, newUsers: 0, sessions: 0, events: 0 },
        { date: '2026-11-28', activeUsers: 2, newUsers: 2, sessions: 2, events: 3 },
        { date: '2026-11-29', activeUsers: 0, newUsers: 0, sessions: 0, events: 0 },
        { date: '2026-11-30', activeUsers: 1, newUsers: 0, sessions: 1, events: 1 },
      ],
      totals: { activeUsers: 2, sessions: 3, events: 4 },
      topEvents: [
        { type: 'photo.taken', count: 3 },
        { type: 'server.note.created', count: 2 },
        { type: 'note.opened', count: 1 },
      ],
    });
  });

  it('keeps the top 20 types, the most counted first, ties by name', async () => {
    // Prepare: type t<i> counted i + 1 times, and two types tied
    const rows = Array.from({ length: 25 }, (_, index) => Array.from({ length: index + 1 }, () => appEvent('u_a', '2026-11-28', { type: `t${String(index).padStart(2, '0')}` }))).flat();
    const reader = await stored([...rows, appEvent('u_a', '2026-11-28', { type: 'a.tie' }), ...Array.from({ length: 24 }, () => appEvent('u_a', '2026-11-28', { type: 'a.tie' }))]);

    // Act
    const { topEvents } = await readSummary({ from: '2026-11-28', to: '2026-11-28' }, { reader, sketches: exactSketches });

    // Assess
    expect(topEvents).toHaveLength(topEventsSize);
    expect(topEvents.slice(0, 4)).toEqual([
      { type: 'a.tie', count: 25 },
      { type: 't24', count: 25 },
      { type: 't23', count: 24 },
      { type: 't22', count: 23 },
    ]);
  });

  it('counts 3,000 actors over three days within 2 % with the HyperLogLog sketches', async () => {
    // Prepare: 1,500 actors a day, a different half of them each day
    const days = ['2026-11-28', '2026-11-29', '2026-11-30'];
    const rows = days.flatMap((day, index) => Array.from({ length: 1500 }, (_, n) => appEvent(`u_${n + index * 750}`, day, { session_id: session(n + index * 1500) })));
    const reader = await stored(rows, hyperLogLogSketches);

    // Act
    const summary = await readSummary({ from: days[0] as string, to: days[2] as string }, { reader, sketches: hyperLogLogSketches });

    // Assess
    expect(summary.days.map((day) => day.activeUsers)).toEqual([1500, 1500, 1500]);
    expect(Math.abs(summary.totals.activeUsers - 3000) / 3000).toBeLessThan(0.02);
    expect(Math.abs(summary.totals.sessions - 4500) / 4500).toBeLessThan(0.02);
    for (const day of summary.days) expect(Math.abs(day.sessions - 1500) / 1500).toBeLessThan(0.02);
  });
});

describe('GET /analytics/events/{type}', () => {
  it('lists the type per day with its metrics, zeros on the other days, and the top values of an attribute', async () => {
    // Prepare
    const reader = await stored([
      appEvent('u_a', '2026-11-28', { metrics: { ms: 30, kb: 2 }, attributes: { camera: 'front' } }),
      appEvent('u_b', '2026-11-28', { metrics: { ms: 10 }, attributes: { camera: 'back' } }),
      appEvent('u_b', '2026-11-30', { metrics: { ms: 20 }, attributes: { camera: 'front' } }),
      appEvent('u_b', '2026-12-01', { attributes: { camera: 'wide' } }),
      appEvent('u_b', '2026-11-30', { type: 'other', attributes: { camera: 'side' } }),
    ]);

    // Act
    const report = await readEventReport('photo.taken', { from: '2026-11-28', to: '2026-11-30' }, 'camera', reader);
    const unsplit = await readEventReport('photo.taken', { from: '2026-11-29', to: '2026-11-29' }, undefined, reader);

    // Assess
    expect(report).toEqual({
      type: 'photo.taken',
      days: [
        { date: '2026-11-28', count: 2, metrics: { ms: { sum: 40, min: 10, max: 30 }, kb: { sum: 2, min: 2, max: 2 } } },
        { date: '2026-11-29', count: 0, metrics: {} },
        { date: '2026-11-30', count: 1, metrics: { ms: { sum: 20, min: 20, max: 20 } } },
      ],
      by: [
        { value: 'front', count: 2 },
        { value: 'back', count: 1 },
      ],
    });
    expect(unsplit).toEqual({ type: 'photo.taken', days: [{ date: '2026-11-29', count: 0, metrics: {} }], by: [] });
  });

  it('keeps metrics named like what every object inherits', async () => {
    // Prepare
    const reader = await stored([
      appEvent('u_a', '2026-11-28', { metrics: { constructor: 3, toString: -1, valueOf: 2 } }),
      appEvent('u_a', '2026-11-28', { metrics: { constructor: 1, toString: 4, valueOf: 2 } }),
    ]);

    // Act
    const { days } = await readEventReport('photo.taken', { from: '2026-11-28', to: '2026-11-28' }, undefined, reader);

    // Assess
    expect(days[0]?.metrics).toEqual({ constructor: { sum: 4, min: 1, max: 3 }, toString: { sum: 3, min: -1, max: 4 }, valueOf: { sum: 4, min: 2, max: 2 } });
  });

  it('keeps the top 50 values, and refuses an attribute with too many values for the range', async () => {
    // Prepare
    const reader = await stored(Array.from({ length: 60 }, (_, index) => appEvent('u_a', '2026-11-28', { attributes: { screen: `s${String(index).padStart(2, '0')}` } })));
    const overflowing = new FakeAggregates();
    overflowing.attributeCounts = async () => ({ items: [{ day: '2026-11-28', value: 'x', count: 1 }], truncated: true });

    // Act
    const { by } = await readEventReport('photo.taken', { from: '2026-11-28', to: '2026-11-28' }, 'screen', reader);
    const refused = await readEventReport('photo.taken', { from: '2026-11-28', to: '2026-11-28' }, 'screen', overflowing).catch((err: unknown) => err);

    // Assess
    expect(by).toHaveLength(byValuesSize);
    expect(by[0]).toEqual({ value: 's00', count: 1 });
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ status: 400, details: [{ path: 'by', code: 'too_many_values' }] });
  });
});

describe('the reads’ query strings', () => {
  const now = new Date('2026-11-30T15:00:00.000Z');
  const range = (query: Record<string, string>) => resolveRange(parseInput(rangeQuery, query, 'query'), now);
  const refusal = (act: () => unknown) => {
    try {
      act();
    } catch (err) {
      return err;
    }
    throw new Error('not refused');
  };

  it('defaults to the last 30 days up to today, UTC', () => {
    // Act, Assess
    expect(range({})).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(range({ to: '2026-02-10' })).toEqual({ from: '2026-01-12', to: '2026-02-10' });
    expect(range({ from: '2026-11-20' })).toEqual({ from: '2026-11-20', to: '2026-11-30' });
    expect(range({ from: '2026-11-20', to: '2026-11-20' })).toEqual({ from: '2026-11-20', to: '2026-11-20' });
  });

  it('takes 366 days and refuses 367', () => {
    // Act, Assess
    expect(range({ from: '2024-01-01', to: '2024-12-31' })).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(refusal(() => range({ from: '2025-01-01', to: '2026-01-02' }))).toMatchObject({ status: 400, details: [{ path: 'from', code: 'invalid_range' }] });
  });

  it('refuses from after to, and anything that is not a real UTC date', () => {
    // Act, Assess
    expect(refusal(() => range({ from: '2026-11-30', to: '2026-11-29' }))).toMatchObject({ status: 400, details: [{ message: 'from must not be after to' }] });
    for (const bad of ['2026-02-30', '2026-1-05', '2026-11-30T00:00:00Z', 'yesterday', '']) {
      expect(refusal(() => range({ from: bad }))).toMatchObject({ status: 400, details: [{ location: 'query', path: 'from' }] });
    }
  });

  it('checks by, the type and the period', () => {
    // Act, Assess
    expect(parseInput(eventReportQuery, { by: 'camera.side' }, 'query')).toEqual({ by: 'camera.side' });
    expect(refusal(() => parseInput(eventReportQuery, { by: 'a b' }, 'query'))).toBeInstanceOf(ValidationError);
    expect(parseInput(eventTypePath, { type: 'server.note.created' }, 'path')).toEqual({ type: 'server.note.created' });
    expect(refusal(() => parseInput(eventTypePath, { type: 'x'.repeat(65) }, 'path'))).toBeInstanceOf(ValidationError);
    expect(parseInput(retentionQuery, {}, 'query')).toEqual({ period: 'day' });
    expect(parseInput(retentionQuery, { period: 'week' }, 'query')).toEqual({ period: 'week' });
    expect(refusal(() => parseInput(retentionQuery, { period: 'month' }, 'query'))).toBeInstanceOf(ValidationError);
  });
});

describe("the range's dates as the API document states them", () => {
  test('carry format date and maxLength 10, and isDate accepts exactly what JSON Schema date does', () => {
    // Prepare: the document's keywords for `from` (the annotated string inside the optional), and the date format
    // as JSON Schema validators apply it (RFC 3339 full-date)
    const documented = apiSchemas.get((rangeQuery.shape.from as unknown as { def: { innerType: Parameters<typeof apiSchemas.get>[0] } }).def.innerType);
    const schemaDate = (fullFormats.date as { validate: (value: string) => boolean }).validate;
    const samples = ['2026-11-30', '2024-02-29', '2025-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-05', '26-11-30', '2026-11-30T00:00:00Z', '2026-11-300', ' 2026-11-30', '2026/11/30', ''];

    // Act
    const disagreements = samples.filter((value) => isDate(value) !== schemaDate(value));

    // Assess
    expect(documented).toEqual(expect.objectContaining({ format: 'date', maxLength: 10 }));
    expect(disagreements).toEqual([]);
    expect(samples.filter((value) => isDate(value)).every((value) => value.length <= 10)).toBe(true);
  });
});
