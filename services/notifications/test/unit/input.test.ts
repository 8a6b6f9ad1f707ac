import * as z from 'zod/mini';
import { normaliseToken } from '../../src/domain/device';
import { markReadBody } from '../../src/routes/mark-notifications-read';
import { registerDeviceBody } from '../../src/routes/register-device';
import { notificationId } from '../../src/domain/notification';
import { androidToken, iosToken } from './support/fakes';

function issues(schema: z.ZodMiniType, value: unknown) {
  const result = z.safeParse(schema, value);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('device tokens', () => {
  it.each([
    ['ios', iosToken(1)],
    ['ios', 'AB'.repeat(32)],
    ['ios', 'ab'.repeat(100)],
    ['android', androidToken(1)],
    ['android', 'x'.repeat(100)],
    ['android', 'x:Y-z_0'.repeat(42)],
  ] as const)('accepts a %s token of %#', (platform, token) => {
    expect(normaliseToken(platform, token)).toBeDefined();
  });

  it.each([
    ['ios', ''],
    ['ios', 'ab'.repeat(31)],
    ['ios', 'ab'.repeat(101)],
    ['ios', `${'ab'.repeat(31)}zz`],
    ['ios', ` ${iosToken(1)}`],
    ['android', 'x'.repeat(99)],
    ['android', 'x'.repeat(301)],
    ['android', `${'x'.repeat(150)} `],
    ['android', `${'x'.repeat(150)}/`],
    ['android', iosToken(1)],
  ] as const)('refuses a %s token of %#', (platform, token) => {
    expect(normaliseToken(platform, token)).toBeUndefined();
  });

  it('stores APNs tokens lower-case and FCM tokens as given', () => {
    expect(normaliseToken('ios', 'AB'.repeat(32))).toBe('ab'.repeat(32));
    expect(normaliseToken('android', `A${'b'.repeat(150)}`)).toBe(`A${'b'.repeat(150)}`);
  });
});

describe('registerDeviceBody', () => {
  it('accepts a valid registration', () => {
    expect(issues(registerDeviceBody, { platform: 'android', token: androidToken(1), appVersion: '4.2.0 (311)' })).toEqual([]);
  });

  it('names the field of every refusal', () => {
    expect(issues(registerDeviceBody, { platform: 'windows', token: iosToken(1) })).toEqual([{ path: 'platform', message: expect.any(String) }]);
    expect(issues(registerDeviceBody, { platform: 'ios', token: '' })).toEqual([{ path: 'token', message: 'token must not be empty' }]);
    expect(issues(registerDeviceBody, { platform: 'ios', token: 'f'.repeat(5000) })).toContainEqual({ path: 'token', message: expect.any(String) });
    expect(issues(registerDeviceBody, { platform: 'ios', token: androidToken(1) })).toEqual([{ path: 'token', message: expect.stringContaining('APNs') }]);
    expect(issues(registerDeviceBody, { platform: 'ios', token: iosToken(1), appVersion: '' })).toEqual([{ path: 'appVersion', message: expect.any(String) }]);
    expect(issues(registerDeviceBody, { platform: 'ios', token: iosToken(1), userId: 'someone' })).toEqual([{ path: '', message: expect.any(String) }]);
    expect(issues(registerDeviceBody, { platform: 'ios' })).toEqual([{ path: 'token', message: expect.any(String) }]);
  });
});

describe('markReadBody', () => {
  const id = (n: number) => notificationId(new Date(1_795_856_400_000 + n), 'abcdef012345');

  it('accepts 1 to 100 notification ids', () => {
    expect(issues(markReadBody, { ids: [id(1)] })).toEqual([]);
    expect(issues(markReadBody, { ids: Array.from({ length: 100 }, (_, n) => id(n)) })).toEqual([]);
  });

  it('refuses no ids, 101 ids and strings that are not notification ids', () => {
    expect(issues(markReadBody, { ids: [] })).toEqual([{ path: 'ids', message: 'ids must name 1 to 100 notifications' }]);
    expect(issues(markReadBody, { ids: Array.from({ length: 101 }, (_, n) => id(n)) })).toEqual([{ path: 'ids', message: 'ids must name 1 to 100 notifications' }]);
    expect(issues(markReadBody, { ids: [id(1), 'NOTIFICATION#x'] })).toEqual([{ path: 'ids.1', message: 'must be a notification id' }]);
    expect(issues(markReadBody, {})).toEqual([{ path: 'ids', message: expect.any(String) }]);
  });
});

describe('notificationId', () => {
  it('is 21 URL-safe characters that sort by time', () => {
    const early = notificationId(new Date('2026-11-28T09:00:00.000Z'), '0123456789abcdef');
    const late = notificationId(new Date('2026-11-28T09:00:00.001Z'), '0000000000000000');
    expect(early).toMatch(/^[0-9a-z]{21}$/);
    expect(late > early).toBe(true);
  });
});
