import * as z from 'zod/mini';
import { ValidationError } from '../src/errors';
import { paginationQuery, parseInput } from '../src/validation';

const Profile = z.object({
  displayName: z.string().check(z.minLength(1), z.maxLength(80)),
  address: z.optional(z.object({ city: z.string() })),
});

function validationErrorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('parseInput', () => {
  test('returns the parsed output', () => {
    // Prepare
    const input = { displayName: 'Ada', extra: 'stripped by the schema' };

    // Act
    const out = parseInput(Profile, input, 'body');

    // Assess
    expect(out).toEqual({ displayName: 'Ada' });
  });

  test('throws a ValidationError with location, dotted path, readable message and code', () => {
    // Prepare
    const input = { displayName: '', address: { city: 7 } };

    // Act
    const err = validationErrorOf(() => parseInput(Profile, input, 'body'));

    // Assess
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'Request validation failed' });
    expect(err.details).toEqual([
      { location: 'body', path: 'displayName', code: 'too_small', message: 'Too small: expected string to have >=1 characters' },
      { location: 'body', path: 'address.city', code: 'invalid_type', message: 'Invalid input: expected string, received number' },
    ]);
  });

  test('a root-level issue has an empty path', () => {
    // Act
    const err = validationErrorOf(() => parseInput(Profile, 'not an object', 'query'));

    // Assess
    expect(err.details).toEqual([expect.objectContaining({ location: 'query', path: '', code: 'invalid_type' })]);
  });
});

describe('paginationQuery', () => {
  test('defaults limit to 20 and leaves cursor out', () => {
    // Act
    const out = parseInput(paginationQuery, {}, 'query');

    // Assess
    expect(out).toEqual({ limit: 20 });
  });

  test.each([
    ['1', 1],
    ['20', 20],
    ['99', 99],
    ['100', 100],
  ])('accepts limit=%s as the number %i', (limit, expected) => {
    // Act
    const out = parseInput(paginationQuery, { limit }, 'query');

    // Assess
    expect(out.limit).toBe(expected);
  });

  test.each([['0'], ['101'], ['1.5'], ['abc'], [''], ['-1'], ['1e2'], [' 5'], ['05'], ['0x10'], ['1000']])('rejects limit=%p', (limit) => {
    // Act
    const err = validationErrorOf(() => parseInput(paginationQuery, { limit }, 'query'));

    // Assess
    expect(err.details).toEqual([expect.objectContaining({ location: 'query', path: 'limit' })]);
  });

  test('accepts a cursor of up to 2048 characters and rejects a longer one', () => {
    // Prepare
    const longest = 'c'.repeat(2048);

    // Act
    const accepted = parseInput(paginationQuery, { cursor: longest }, 'query');
    const err = validationErrorOf(() => parseInput(paginationQuery, { cursor: `${longest}c` }, 'query'));

    // Assess
    expect(accepted.cursor).toBe(longest);
    expect(err.details).toEqual([expect.objectContaining({ path: 'cursor' })]);
  });

  test('can be extended with route-specific parameters', () => {
    // Prepare
    const ListNotes = z.extend(paginationQuery, { scope: z._default(z.enum(['own', 'shared']), 'own') });

    // Act
    const out = parseInput(ListNotes, { limit: '5' }, 'query');

    // Assess
    expect(out).toEqual({ limit: 5, scope: 'own' });
  });
});
