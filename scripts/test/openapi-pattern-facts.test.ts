// patternFacts: the longest string an anchored regex admits (the document's maxLength for it) and a sample of it.
import { patternFacts } from '../openapi/pattern-facts';

describe('patternFacts', () => {
  test.each([
    // The last column is a longest string the pattern admits: one more of any of its characters is one too many.
    ['^[0-9]{4,10}$', 10, '0000', '0123456789'],
    ['^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', 64, 'AA', `A${'b_-9'.repeat(15)}zzz`],
    ['^(?:[1-9][0-9]{0,2}|1000)$', 4, '10', '1000'],
    ['^[\\x20-\\x7e]{1,50}$', 50, '0', ' ~'.repeat(25)],
    ['^(?:\\*|(?:"([1-9][0-9]{0,14})"|([1-9][0-9]{0,14})))$', 17, '*', '"123456789012345"'],
    ['^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', 36, '00000000-0000-1000-8000-000000000000', '00000000-0000-1000-8000-000000000000'],
  ])('%s admits at most %d characters, e.g. %s', (pattern, maxLength, sample, longest) => {
    // Prepare: the longest string with one of its characters doubled, at each place in turn
    const regex = new RegExp(pattern, 'u');
    const overLong = [...longest].map((_, i) => longest.slice(0, i + 1) + longest.slice(i));

    // Act
    const facts = patternFacts(pattern);

    // Assess
    expect(facts).toEqual({ maxLength, sample });
    expect(regex.test(sample)).toBe(true);
    expect({ longest, length: longest.length, admitted: regex.test(longest) }).toEqual({ longest, length: maxLength, admitted: true });
    expect(overLong.filter((value) => regex.test(value))).toEqual([]);
  });

  test.each([
    ['an unanchored pattern', '\\p{L}'],
    ['an unbounded repetition', '^[A-Za-z0-9_-]+$'],
    ['a star', '^\\P{Cc}*$'],
  ])('%s has no maxLength', (_, pattern) => {
    // Assess
    expect(patternFacts(pattern).maxLength).toBeUndefined();
  });

  test.each([
    ['a lookahead', '^(?=.*[0-9]).{8,20}$'],
    ['a negated class', '^[^@]{1,10}$'],
    ['a back-reference', '^(a)\\1$'],
  ])('%s gives no facts rather than wrong ones', (_, pattern) => {
    // Assess
    expect(patternFacts(pattern)).toEqual({});
  });
});
