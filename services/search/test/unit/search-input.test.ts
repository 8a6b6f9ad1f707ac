import { parseInput } from '@photonotes/shared/validation';
import { ValidationError } from '@photonotes/shared/errors';
import { maxQueryLength, searchQuery } from '../../src/routes/search';

describe('GET /search query string', () => {
  it.each([
    ['no q', {}],
    ['an empty q', { q: '' }],
    ['a blank q', { q: '   ' }],
    ['a q over 200 characters', { q: 'a'.repeat(maxQueryLength + 1) }],
    ['a limit of 0', { q: 'x', limit: '0' }],
    ['a limit over 100', { q: 'x', limit: '101' }],
  ])('refuses %s', (_name, query) => {
    // Act
    const parse = () => parseInput(searchQuery, query, 'query');

    // Assess
    expect(parse).toThrow(ValidationError);
  });

  it('accepts 200 characters counted as people count them (an emoji is one)', () => {
    // Act
    const parsed = parseInput(searchQuery, { q: '🙂'.repeat(maxQueryLength) }, 'query');

    // Assess
    expect(parsed).toEqual({ q: '🙂'.repeat(maxQueryLength), limit: 20 });
  });

  it('passes limit and cursor through', () => {
    // Act
    const parsed = parseInput(searchQuery, { q: 'creme', limit: '5', cursor: 'abc.def' }, 'query');

    // Assess
    expect(parsed).toEqual({ q: 'creme', limit: 5, cursor: 'abc.def' });
  });
});
