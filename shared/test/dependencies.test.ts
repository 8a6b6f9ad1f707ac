import { dependencies, lazy } from '../src/dependencies';
import { requireEnv } from '../src/env';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('lazy', () => {
  test('builds on the first call and returns the same value after', () => {
    // Prepare
    const build = jest.fn(() => ({ built: true }));
    const get = lazy(build);

    // Act
    const first = get();
    const second = get();

    // Assess
    expect(build).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
  });

  test('a build that threw is tried again on the next call', () => {
    // Prepare
    delete process.env.PN_TEST_TABLE;
    const get = lazy(() => ({ table: requireEnv('PN_TEST_TABLE') }));

    // Act
    const failed = () => get();
    expect(failed).toThrow('Missing required environment variable PN_TEST_TABLE');
    process.env.PN_TEST_TABLE = 'notes';
    const value = get();

    // Assess
    expect(value).toEqual({ table: 'notes' });
  });
});

describe('dependencies', () => {
  test('builds nothing until a property is read, then each capability once', () => {
    // Prepare
    const notes = jest.fn(() => ({ name: 'notes' }));
    const clock = jest.fn(() => ({ now: () => new Date(0) }));

    // Act
    const deps = dependencies({ notes, clock });
    const untouched = [notes.mock.calls.length, clock.mock.calls.length];
    const first = deps.notes;
    const again = deps.notes;

    // Assess
    expect(untouched).toEqual([0, 0]);
    expect(again).toBe(first);
    expect(notes).toHaveBeenCalledTimes(1);
    expect(clock).not.toHaveBeenCalled();
  });

  test('a missing variable fails at the first use of the capability that reads it, naming it', () => {
    // Prepare
    delete process.env.PN_TEST_TABLE;
    const deps = dependencies({ table: () => requireEnv('PN_TEST_TABLE'), other: () => 'fine' });

    // Act
    const other = deps.other;
    const table = () => deps.table;

    // Assess
    expect(other).toBe('fine');
    expect(table).toThrow('Missing required environment variable PN_TEST_TABLE');
  });

  test('spreads like a plain object, resolving every capability', () => {
    // Prepare
    const deps = dependencies({ a: () => 1, b: () => 'two' });

    // Act
    const copy = { ...deps, c: true };

    // Assess
    expect(copy).toEqual({ a: 1, b: 'two', c: true });
  });
});
