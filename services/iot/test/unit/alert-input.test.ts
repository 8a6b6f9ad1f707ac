import { ValidationError } from '@photonotes/shared/errors';
import { parseInput } from '@photonotes/shared/validation';
import { assignRuleIds, putAlertsBody } from '../../src/domain/alert-input';

const rule = (overrides: Record<string, unknown> = {}) => ({ metric: 'temp', op: 'gt', threshold: 30, ...overrides });

describe('putAlertsBody', () => {
  it('accepts up to 10 rules, defaults forSeconds to 0, and assigns ids only where missing', () => {
    // Prepare
    const body = { rules: [rule({ id: 'hot' }), ...Array.from({ length: 9 }, () => rule({ op: 'lte', threshold: -5.5, forSeconds: 3600 }))] };
    let ids = 0;

    // Act
    const rules = assignRuleIds(parseInput(putAlertsBody, body, 'body'), () => `id-${++ids}`);

    // Assess
    expect(rules).toHaveLength(10);
    expect(rules[0]).toEqual({ id: 'hot', metric: 'temp', op: 'gt', threshold: 30, forSeconds: 0 });
    expect(rules[1]).toEqual({ id: 'id-1', metric: 'temp', op: 'lte', threshold: -5.5, forSeconds: 3600 });
    expect(rules.map((item) => item.id)).toEqual(['hot', ...Array.from({ length: 9 }, (_, index) => `id-${index + 1}`)]);
  });

  it('accepts thresholds at the edges of what DynamoDB stores', () => {
    // Act
    const parsed = parseInput(putAlertsBody, { rules: [rule({ threshold: 0 }), rule({ threshold: 1e-130 }), rule({ threshold: -9.99e125 })] }, 'body');

    // Assess
    expect(parsed.rules.map((item) => item.threshold)).toEqual([0, 1e-130, -9.99e125]);
  });

  it('accepts no rules (clears them)', () => {
    // Act
    const parsed = parseInput(putAlertsBody, { rules: [] }, 'body');

    // Assess
    expect(parsed.rules).toEqual([]);
  });

  it.each([
    ['11 rules', { rules: Array.from({ length: 11 }, () => rule()) }],
    ['an unknown op', { rules: [rule({ op: 'eq' })] }],
    ['forSeconds 3601', { rules: [rule({ forSeconds: 3601 })] }],
    ['forSeconds -1', { rules: [rule({ forSeconds: -1 })] }],
    ['fractional forSeconds', { rules: [rule({ forSeconds: 1.5 })] }],
    ['a string threshold', { rules: [rule({ threshold: '30' })] }],
    // DynamoDB refuses these magnitudes: they were a 500 (found by the resilience fuzz).
    ['a threshold too small for DynamoDB (5e-324)', { rules: [rule({ threshold: 5e-324 })] }],
    ['a threshold too large for DynamoDB (1e200)', { rules: [rule({ threshold: -1e200 })] }],
    ['a bad metric name', { rules: [rule({ metric: 'Temp' })] }],
    ['duplicate ids', { rules: [rule({ id: 'a' }), rule({ id: 'a' })] }],
    ['an id starting with an underscore', { rules: [rule({ id: '__proto__' })] }],
    ['an unknown field', { rules: [rule({ severity: 'high' })] }],
    ['rules missing', {}],
  ])('refuses %s', (_case, body) => {
    // Act
    const act = () => parseInput(putAlertsBody, body, 'body');

    // Assess
    expect(act).toThrow(ValidationError);
  });
});
