import { passesFilters, patternMatches } from '../../platform/delivery/event-filter';
import { streamRecord } from './support';

describe('Lambda event filter patterns', () => {
  const note = streamRecord(1, { eventName: 'MODIFY' });
  const share = streamRecord(2, { entity: 'share' });
  const removed = { eventName: 'REMOVE', dynamodb: { SequenceNumber: '3', OldImage: { entity: { S: 'note' } } } };

  it('selects by nested exact values, as the notifications stream does', () => {
    const pattern = { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['note'] } } } };
    expect([note, share, removed].map((record) => patternMatches(pattern, record))).toEqual([true, false, false]);
  });

  it('passes a record that any pattern selects, as the search stream relies on for deletions', () => {
    const patterns = [{ dynamodb: { NewImage: { entity: { S: ['note'] } } } }, { dynamodb: { OldImage: { entity: { S: ['note'] } } } }];
    expect([note, share, removed].map((record) => passesFilters(patterns, record))).toEqual([true, false, true]);
  });

  it('passes everything without patterns', () => {
    expect(passesFilters([], share)).toBe(true);
  });

  it.each([
    [{ eventName: [{ prefix: 'MOD' }] }, true],
    [{ eventName: [{ suffix: 'FY' }] }, true],
    [{ eventName: [{ 'equals-ignore-case': 'modify' }] }, true],
    [{ eventName: [{ 'anything-but': ['MODIFY'] }] }, false],
    [{ eventName: [{ 'anything-but': 'REMOVE' }] }, true],
    [{ dynamodb: { OldImage: [{ exists: false }] } }, true],
    [{ dynamodb: { NewImage: [{ exists: true }] } }, true],
    [{ dynamodb: { ApproximateCreationDateTime: [{ numeric: ['>', 0, '<=', 1_000_000] }] } }, true],
    [{ dynamodb: { ApproximateCreationDateTime: [{ numeric: ['<', 10] }] } }, false],
  ])('operator %j → %s', (pattern, expected) => {
    expect(patternMatches(pattern, note)).toBe(expected);
  });

  it('refuses an operator it does not know instead of guessing', () => {
    expect(() => patternMatches({ eventName: [{ wildcard: 'M*' }] }, note)).toThrow(/Unsupported filter operator/);
  });
});
