import type * as z from 'zod/mini';
import { parseInput } from '@photonotes/shared/validation';
import { ValidationError } from '@photonotes/shared/errors';
import { userIdPath } from '../../src/routes/get-user-profile';
import { signUpBody } from '../../src/routes/sign-up';
import { updateProfileBody } from '../../src/routes/update-own-profile';

function issuesOf(schema: z.ZodMiniType, value: unknown): Array<{ path: string; message: string }> {
  try {
    parseInput(schema, value, 'body');
  } catch (err) {
    if (err instanceof ValidationError) return (err.details ?? []) as Array<{ path: string; message: string }>;
    throw err;
  }
  return [];
}

const valid = { email: 'ada@example.com', password: 'correct horse 1', displayName: 'Ada' };

describe('sign-up body', () => {
  test('the email is trimmed and lower-cased, the display name trimmed', () => {
    // Act
    const parsed = parseInput(signUpBody, { ...valid, email: '  Ada.Lovelace@Example.COM ', displayName: '  Ada  ' }, 'body');

    // Assess
    expect(parsed).toEqual({ ...valid, email: 'ada.lovelace@example.com', displayName: 'Ada' });
  });

  test.each([
    ['too short', 'abc1', 'must be at least 8 characters'],
    ['no digit', 'abcdefgh', 'must contain a digit'],
    ['no letter', '12345678', 'must contain a letter'],
    ['too long', `a1${'x'.repeat(127)}`, 'must be at most 128 characters'],
    ['leading blank', ' abcdefg1', 'must not start or end with a blank'],
  ])('a password that is %s is refused with the rule it breaks', (_case, password, message) => {
    // Act
    const issues = issuesOf(signUpBody, { ...valid, password });

    // Assess
    expect(issues).toContainEqual(expect.objectContaining({ path: 'password', message }));
  });

  test('a password of exactly 8 and of exactly 128 characters is accepted', () => {
    // Act + Assess
    expect(issuesOf(signUpBody, { ...valid, password: 'abcdefg1' })).toEqual([]);
    expect(issuesOf(signUpBody, { ...valid, password: `a1${'x'.repeat(126)}` })).toEqual([]);
  });

  test('a short password without a digit reports both rules', () => {
    // Act
    const issues = issuesOf(signUpBody, { ...valid, password: 'abc' });

    // Assess
    expect(issues.map((issue) => issue.message)).toEqual(expect.arrayContaining(['must be at least 8 characters', 'must contain a digit']));
  });

  test.each([
    ['email', 'not-an-email'],
    ['email', 42],
    ['displayName', ''],
    ['displayName', '   '],
    ['displayName', 'x'.repeat(81)],
    ['displayName', 'Ada\nLovelace'],
    ['displayName', ['Ada']],
    ['password', null],
  ])('%s = %j is refused', (field, value) => {
    // Act
    const issues = issuesOf(signUpBody, { ...valid, [field]: value });

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual([field]);
  });
});

describe('profile patch body', () => {
  test('limits: displayName 1..80, bio 0..500', () => {
    // Act + Assess
    expect(issuesOf(updateProfileBody, { displayName: 'x'.repeat(80), bio: 'y'.repeat(500) })).toEqual([]);
    expect(issuesOf(updateProfileBody, { bio: '' })).toEqual([]);
    expect(issuesOf(updateProfileBody, { bio: 'y'.repeat(501) }).map((i) => i.path)).toEqual(['bio']);
    expect(issuesOf(updateProfileBody, { displayName: 7 }).map((i) => i.path)).toEqual(['displayName']);
  });

  test('a field that cannot be patched (email) is refused, not silently ignored', () => {
    // Act
    const issues = issuesOf(updateProfileBody, { email: 'other@example.com' });

    // Assess
    expect(issues).toHaveLength(1);
  });
});

describe('user id path parameter', () => {
  test('a UUID passes, junk does not', () => {
    // Act + Assess
    expect(issuesOf(userIdPath, { userId: '3f1e8a52-5a3c-4a53-9d55-1c1e5e0f4b1a' })).toEqual([]);
    expect(issuesOf(userIdPath, { userId: '../../etc' })).toHaveLength(1);
    expect(issuesOf(userIdPath, { userId: 'x'.repeat(65) })).toHaveLength(1);
  });
});
