import { bucketStart, ceilToBucket, checkRetention, defaultRetention, expiresAt, oldestAccepted } from '../../src/domain/resolutions';

const t = Date.parse('2026-11-28T09:30:12.345Z');

describe('resolutions', () => {
  it('aligns buckets to UTC minutes, hours and days', () => {
    // Act
    const starts = (['1m', '1h', '1d'] as const).map((rollup) => new Date(bucketStart(t, rollup)).toISOString());
    const ends = (['1m', '1h', '1d'] as const).map((rollup) => new Date(ceilToBucket(t, rollup)).toISOString());

    // Assess
    expect(starts).toEqual(['2026-11-28T09:30:00.000Z', '2026-11-28T09:00:00.000Z', '2026-11-28T00:00:00.000Z']);
    expect(ends).toEqual(['2026-11-28T09:31:00.000Z', '2026-11-28T10:00:00.000Z', '2026-11-29T00:00:00.000Z']);
    expect(ceilToBucket(bucketStart(t, '1h'), '1h')).toBe(bucketStart(t, '1h'));
  });

  it('keeps each level at least its retention, measured from the end of its parent bucket', () => {
    // Act
    const expiry = (['raw', '1m', '1h', '1d'] as const).map((level) => new Date(expiresAt(level, t, defaultRetention) * 1000).toISOString());

    // Assess
    expect(expiry).toEqual(['2026-12-28T09:31:00.000Z', '2026-12-28T10:00:00.000Z', '2028-01-03T00:00:00.000Z', '2028-01-03T00:00:00.000Z']);
    expect(new Date(oldestAccepted(t, defaultRetention)).toISOString()).toBe('2026-10-29T09:30:12.345Z');
  });

  it('refuses a retention in which a rollup would expire before the raw readings it is recomputed from', () => {
    // Act
    const act = () => checkRetention({ raw: 30, '1m': 7, '1h': 400, '1d': 400 });

    // Assess
    expect(act).toThrow(/1m/);
    expect(checkRetention(defaultRetention)).toBe(defaultRetention);
  });
});
