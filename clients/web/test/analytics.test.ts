// The admin screen's logic: the default range (the last 7 UTC days, today included), range checks, bar heights,
// retention cells; and a refused request explained with the API's details.
import { ApiError } from '@photonotes/client';
import { bars, checkRange, lastDays, retentionCell } from '../src/analytics';
import { explainError } from '../src/explain';

describe('analytics helpers', () => {
  test('the default range is the last 7 UTC days, today included', () => {
    // Assess
    expect(lastDays(new Date('2026-12-01T00:30:00.000Z'))).toEqual({ from: '2026-11-25', to: '2026-12-01' });
    expect(lastDays(new Date('2026-12-01T23:59:59.000Z'), 1)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
  });

  test.each([
    [{ from: '', to: '2026-12-01' }, 'Choose a start date.'],
    [{ from: '2026-12-01', to: '2026-13-01' }, 'Choose an end date.'],
    [{ from: '2026-12-02', to: '2026-12-01' }, 'The start date is after the end date.'],
    [{ from: '2025-01-01', to: '2026-01-02' }, 'A range is at most 366 days.'],
  ])('refuses %j', (range, message) => {
    // Assess
    expect(checkRange(range)).toBe(message);
  });

  test('accepts one day and 366 days', () => {
    // Assess
    expect(checkRange({ from: '2026-12-01', to: '2026-12-01' })).toBeNull();
    expect(checkRange({ from: '2024-01-01', to: '2024-12-31' })).toBeNull();
  });

  test('bars scale to the largest value; all zero stays flat', () => {
    // Assess
    expect(bars([0, 5, 10], 80)).toEqual([0, 40, 80]);
    expect(bars([0, 0], 80)).toEqual([0, 0]);
  });

  test('a retention cell shows the count and its share of the cohort', () => {
    // Assess
    expect(retentionCell(3, 5)).toBe('3 (60 %)');
    expect(retentionCell(0, 0)).toBe('0');
  });
});

describe('explainError', () => {
  test("adds a 400's details (path and message) to the sentence", () => {
    // Prepare
    const error = new ApiError({ status: 400, code: 'VALIDATION_FAILED', message: 'The request is invalid.', details: [{ path: ['desired', 'a'], message: 'too deep' }, 'plain'], requestId: 'r', body: null });

    // Assess
    expect(explainError(error)).toBe('The request is invalid. (desired.a: too deep; plain)');
    expect(explainError(new Error('boom'))).toBe('boom');
  });
});
