// patternFacts: the longest string an anchored regex admits (the document's maxLength for it) and a sample of it.
import { patternFacts } from '../openapi/pattern-facts';
import { deployedServer } from '../openapi/generate';

describe('patternFacts', () => {
  test.each([
    ['^[0-9]{4,10}$', 10, '0000'],
    ['^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', 64, 'AA'],
    ['^(?:[1-9][0-9]{0,2}|1000)$', 4, '10'],
    ['^[\\x20-\\x7e]{1,50}$', 50, '0'],
    ['^(?:\\*|(?:"([1-9][0-9]{0,14})"|([1-9][0-9]{0,14})))$', 17, '*'],
    ['^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', 36, '00000000-0000-1000-8000-000000000000'],
  ])('%s admits at most %d characters, e.g. %s', (pattern, maxLength, sample) => {
    // Act
    const facts = patternFacts(pattern);

    // Assess
    expect(facts).toEqual({ maxLength, sample });
    expect(new RegExp(pattern, 'u').test('9'.repeat(maxLength + 1))).toBe(false);
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

describe('deployedServer', () => {
  test('names the URL a build gives, for its stage', () => {
    // Assess
    expect(deployedServer({ serverUrl: 'https://api.photonotes.app/', stage: 'prod' })).toEqual({ url: 'https://api.photonotes.app', description: 'prod stage', 'x-internal': false });
  });

  test("without one, the HTTP API's default endpoint with its id and region as variables", () => {
    // Assess
    expect(deployedServer()).toMatchObject({ url: 'https://{apiId}.execute-api.{region}.amazonaws.com', variables: { apiId: expect.any(Object), region: expect.any(Object) } });
  });

  test('refuses a URL without TLS', () => {
    // Assess
    expect(() => deployedServer({ serverUrl: 'http://api.photonotes.app' })).toThrow(/https:\/\//);
  });
});
