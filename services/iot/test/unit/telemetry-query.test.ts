import { ValidationError } from '@photonotes/shared/errors';
import { parseInput } from '@photonotes/shared/validation';
import { defaultResolution, resolveTelemetryQuery, telemetryQuery } from '../../src/domain/telemetry-query';

const now = new Date('2026-11-28T09:30:12.345Z');
const resolve = (query: Record<string, string>) => resolveTelemetryQuery(parseInput(telemetryQuery, query, 'query'), now);
const iso = (ms: number) => new Date(ms).toISOString();
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe('resolveTelemetryQuery', () => {
  it('defaults to the last 24 h at 1h, widened to whole hours, 500 items', () => {
    // Act
    const query = resolve({ metric: 'temp' });

    // Assess
    expect({ ...query, from: iso(query.from), to: iso(query.to) }).toEqual({
      metric: 'temp',
      resolution: '1h',
      from: '2026-11-27T09:00:00.000Z',
      to: '2026-11-28T10:00:00.000Z',
      limit: 500,
      cursor: undefined,
    });
  });

  it('keeps raw ranges exactly as given', () => {
    // Act
    const query = resolve({ metric: 'temp', resolution: 'raw', from: '2026-11-28T09:00:00.500Z', to: '2026-11-28T09:00:01.500Z' });

    // Assess
    expect([iso(query.from), iso(query.to)]).toEqual(['2026-11-28T09:00:00.500Z', '2026-11-28T09:00:01.500Z']);
  });

  it('widens a bucketed range to whole UTC buckets: from down, to up', () => {
    // Act
    const days = resolve({ metric: 'temp', resolution: '1d', from: '2026-11-20T23:59:59.999+01:00', to: '2026-11-21T00:00:00.001Z' });
    const minutes = resolve({ metric: 'temp', resolution: '1m', from: '2026-11-28T09:00:30.000Z', to: '2026-11-28T09:02:00.000Z' });

    // Assess
    expect([iso(days.from), iso(days.to)]).toEqual(['2026-11-20T00:00:00.000Z', '2026-11-22T00:00:00.000Z']);
    expect([iso(minutes.from), iso(minutes.to)]).toEqual(['2026-11-28T09:00:00.000Z', '2026-11-28T09:02:00.000Z']);
  });

  it('picks the finest resolution giving at most 1000 buckets', () => {
    // Act
    const picks = [
      defaultResolution(0, 1000 * minute),
      defaultResolution(0, 1000 * minute + 1),
      defaultResolution(30_000, 1000 * minute + 30_000),
      defaultResolution(0, 7 * day),
      defaultResolution(0, 1000 * hour),
      defaultResolution(0, 1000 * hour + 1),
      defaultResolution(0, 5000 * day),
    ];

    // Assess
    expect(picks).toEqual(['1m', '1h', '1h', '1h', '1h', '1d', '1d']);
  });

  it('defaults the missing end of a range', () => {
    // Act
    const onlyFrom = resolve({ metric: 'temp', resolution: 'raw', from: '2026-11-28T09:00:00.000Z' });
    const onlyTo = resolve({ metric: 'temp', resolution: 'raw', to: '2026-11-28T09:00:00.000Z' });

    // Assess
    expect([iso(onlyFrom.from), iso(onlyFrom.to)]).toEqual(['2026-11-28T09:00:00.000Z', now.toISOString()]);
    expect([iso(onlyTo.from), iso(onlyTo.to)]).toEqual(['2026-11-27T09:00:00.000Z', '2026-11-28T09:00:00.000Z']);
  });

  it.each(['1', '1000'])('accepts limit=%s', (limit) => {
    // Act
    const query = resolve({ metric: 'temp', limit });

    // Assess
    expect(query.limit).toBe(Number(limit));
  });

  it.each([
    ['no metric', {}],
    ['a bad metric name', { metric: 'Temp' }],
    ['limit 0', { metric: 'temp', limit: '0' }],
    ['limit 1001', { metric: 'temp', limit: '1001' }],
    ['limit 1.5', { metric: 'temp', limit: '1.5' }],
    ['limit 010', { metric: 'temp', limit: '010' }],
    ['an unknown resolution', { metric: 'temp', resolution: '5m' }],
    ['from that is not ISO', { metric: 'temp', from: 'yesterday' }],
    ['from a date only', { metric: 'temp', from: '2026-11-28' }],
    ['from equal to to', { metric: 'temp', from: '2026-11-28T09:00:00Z', to: '2026-11-28T09:00:00Z' }],
    ['from after to', { metric: 'temp', from: '2026-11-28T10:00:00Z', to: '2026-11-28T09:00:00Z' }],
  ])('refuses %s with a 400', (_case, query) => {
    // Act
    const act = () => resolve(query);

    // Assess
    expect(act).toThrow(ValidationError);
  });
});
