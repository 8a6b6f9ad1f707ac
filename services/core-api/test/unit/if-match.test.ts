import { etag, parseIfMatch } from '../../src/domain/if-match';

describe('parseIfMatch', () => {
  it.each([
    ['3', 3],
    ['"3"', 3],
    [' 12 ', 12],
    ['123456789012345', 123456789012345],
  ])('reads %j as version %d', (header, version) => {
    // Act + Assess
    expect(parseIfMatch(header)).toBe(version);
  });

  it('treats an absent header and * as no version constraint', () => {
    // Act + Assess
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });

  it.each(['', 'abc', '0', '-1', '1.5', '"3', '3"', 'W/"3"', '1e3', '03', '1234567890123456', '"1", "2"'])('refuses %j with 400', (header) => {
    // Act + Assess
    expect(() => parseIfMatch(header)).toThrow(expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED' }));
  });

  it('round-trips the ETag it hands out', () => {
    // Act + Assess
    expect(parseIfMatch(etag(42))).toBe(42);
  });
});
