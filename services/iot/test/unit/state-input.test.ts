import { ValidationError } from '@photonotes/shared/errors';
import { parseInput } from '@photonotes/shared/validation';
import { parseReportedMessage, parseStateIfMatch, putDesiredBody } from '../../src/domain/state-input';

/** A JSON object of exactly `bytes` bytes: {"k":"xxx…"}. */
function objectOfBytes(bytes: number): Record<string, string> {
  return { k: 'x'.repeat(bytes - '{"k":""}'.length) };
}

const nested = (levels: number): Record<string, unknown> => (levels === 1 ? { leaf: 1 } : { level: nested(levels - 1) });

function refusal(body: unknown): ValidationError {
  try {
    parseInput(putDesiredBody, body, 'body');
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('putDesiredBody', () => {
  it('accepts exactly 8 KB of JSON and exactly 4 levels', () => {
    // Act
    const big = parseInput(putDesiredBody, { desired: objectOfBytes(8192) }, 'body');
    const deep = parseInput(putDesiredBody, { desired: nested(4) }, 'body');

    // Assess
    expect(JSON.stringify(big.desired)).toHaveLength(8192);
    expect(deep.desired).toEqual(nested(4));
  });

  it.each([
    ['8 KB and one byte', { desired: objectOfBytes(8193) }],
    ['5 levels', { desired: nested(5) }],
    ['an array nested 5 levels', { desired: { a: [[[[1]]]] } }],
    ['an array', { desired: [1] }],
    ['null', { desired: null }],
    ['a string', { desired: 'on' }],
    ['no desired', {}],
    ['an unknown field', { desired: {}, version: 3 }],
  ])('refuses %s', (_case, body) => {
    // Act
    const err = refusal(body);

    // Assess
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('keeps null values (they remove keys) and a "__proto__" key as an ordinary key', () => {
    // Prepare
    const body = JSON.parse('{"desired":{"mode":null,"__proto__":{"polluted":true}}}') as unknown;

    // Act
    const parsed = parseInput(putDesiredBody, body, 'body');

    // Assess
    expect(Object.keys(parsed.desired)).toEqual(['mode', '__proto__']);
    expect(parsed.desired.mode).toBeNull();
    expect(Object.getPrototypeOf(parsed.desired)).toBe(Object.prototype);
  });
});

describe('parseReportedMessage', () => {
  it('accepts { reported: object } up to 8 KB', () => {
    // Act
    const result = parseReportedMessage(Buffer.from(JSON.stringify({ reported: { mode: 'heat', target: 21 } })));

    // Assess
    expect(result).toEqual({ ok: true, value: { mode: 'heat', target: 21 } });
  });

  it.each([
    ['not JSON', 'mode=heat', 'not_json'],
    ['more than 8 KB', JSON.stringify({ reported: objectOfBytes(8192) }), 'too_large'],
    ['1 MB', 'x'.repeat(1024 * 1024), 'too_large'],
    ['reported missing', JSON.stringify({ desired: {} }), 'malformed'],
    ['reported an array', JSON.stringify({ reported: [] }), 'malformed'],
    ['a bare number', '42', 'malformed'],
  ])('drops %s', (_case, payload, reason) => {
    // Act
    const result = parseReportedMessage(payload);

    // Assess
    expect(result).toMatchObject({ ok: false, reason });
  });
});

describe('parseStateIfMatch', () => {
  it('reads a version, bare or quoted, including 0 for a thing with no state', () => {
    // Act
    const versions = [undefined, '*', '0', '"0"', '12', ' "12" '].map(parseStateIfMatch);

    // Assess
    expect(versions).toEqual([undefined, undefined, 0, 0, 12, 12]);
  });

  it.each(['abc', '-1', '01', '1.5', '"3'])('refuses %p with a 400', (header) => {
    // Act
    const act = () => parseStateIfMatch(header);

    // Assess
    expect(act).toThrow(ValidationError);
  });
});
