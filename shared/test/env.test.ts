import { optionalEnv, positiveIntegerParam, requireEnv } from '../src/env';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('requireEnv', () => {
  test('returns the value', () => {
    // Prepare
    process.env.PN_TEST_TABLE = 'notes-local';

    // Act
    const value = requireEnv('PN_TEST_TABLE');

    // Assess
    expect(value).toBe('notes-local');
  });

  test.each([['missing', undefined], ['empty', '']])('throws naming the variable when %s', (_case, value) => {
    // Prepare
    if (value === undefined) delete process.env.PN_TEST_TABLE;
    else process.env.PN_TEST_TABLE = value;

    // Act
    const read = () => requireEnv('PN_TEST_TABLE');

    // Assess
    expect(read).toThrow('Missing required environment variable PN_TEST_TABLE');
  });
});

describe('optionalEnv', () => {
  test('returns the value when set', () => {
    // Prepare
    process.env.PN_TEST_ENDPOINT = 'http://127.0.0.1:8000';

    // Act
    const value = optionalEnv('PN_TEST_ENDPOINT', 'fallback');

    // Assess
    expect(value).toBe('http://127.0.0.1:8000');
  });

  test.each([['missing', undefined], ['empty', '']])('returns the fallback when %s', (_case, value) => {
    // Prepare
    if (value === undefined) delete process.env.PN_TEST_ENDPOINT;
    else process.env.PN_TEST_ENDPOINT = value;

    // Act
    const withFallback = optionalEnv('PN_TEST_ENDPOINT', 'fallback');
    const without = optionalEnv('PN_TEST_ENDPOINT');

    // Assess
    expect(withFallback).toBe('fallback');
    expect(without).toBeUndefined();
  });
});

describe('positiveIntegerParam', () => {
  test('reads plain digits of at least 1', () => {
    // Act
    const values = ['1', '30', '1073741824'].map((raw) => positiveIntegerParam('limit', raw));

    // Assess
    expect(values).toEqual([1, 30, 1_073_741_824]);
  });

  test.each(['', '0', '-3', '2.5', '1e3', ' 30', 'thirty', '99999999999999999999'])('refuses %j, naming the param', (raw) => {
    // Act
    const read = () => positiveIntegerParam('limit', raw);

    // Assess
    expect(read).toThrow(`limit must be a positive integer, got "${raw}"`);
  });
});
