// The device routes end to end through the gateway: registration and its idempotency, a token moving to
// another user, listing, unregistering, and bad input that must leave nothing behind.
import type { ErrorBody } from '../../../../test/support/api';
import { api } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { allPages, apnsToken, fcmToken, listDevices, registerDevice, unregisterDevice } from '../support/notifications-api';
import type { DeviceView } from '../support/notifications-api';

jest.setTimeout(60_000);

let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('alice'), createTestUser('bob')]);
});

const devicesOf = (user: TestUser) => allPages<DeviceView>((query) => listDevices(user, query));

describe('POST /devices', () => {
  it('registers a device: 201 with its id, listed for the caller only', async () => {
    // Prepare
    const token = apnsToken();

    // Act
    const res = await registerDevice(alice, { platform: 'ios', token, appVersion: '1.4.0' });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ deviceId: expect.any(String), platform: 'ios', createdAt: expect.any(String) });
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    expect(await devicesOf(alice)).toContainEqual({ deviceId: res.body.deviceId, platform: 'ios', appVersion: '1.4.0', createdAt: res.body.createdAt, updatedAt: expect.any(String) });
    expect((await devicesOf(bob)).map((d) => d.deviceId)).not.toContain(res.body.deviceId);
  });

  it('answers a repeated registration with 200 and the same device, also when repeated concurrently', async () => {
    // Prepare
    const token = fcmToken();
    const first = await registerDevice(alice, { platform: 'android', token });

    // Act
    const again = await registerDevice(alice, { platform: 'android', token, appVersion: '2.0.0' });
    const concurrent = await Promise.all([1, 2, 3].map(() => registerDevice(alice, { platform: 'android', token })));

    // Assess
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 200, body: first.body });
    for (const res of concurrent) expect(res).toMatchObject({ status: 200, body: first.body });
    const listed = (await devicesOf(alice)).filter((d) => d.deviceId === first.body.deviceId);
    expect(listed).toEqual([expect.objectContaining({ appVersion: '2.0.0' })]);
  });

  it('moves a token another user had: one device, one owner', async () => {
    // Prepare
    const token = apnsToken();
    const bobs = await registerDevice(bob, { platform: 'ios', token });

    // Act
    const alices = await registerDevice(alice, { platform: 'ios', token: token.toUpperCase() });

    // Assess
    expect(bobs.status).toBe(201);
    expect(alices.status).toBe(201);
    expect(alices.body.deviceId).not.toBe(bobs.body.deviceId);
    expect((await devicesOf(bob)).map((d) => d.deviceId)).not.toContain(bobs.body.deviceId);
    expect((await devicesOf(alice)).map((d) => d.deviceId)).toContain(alices.body.deviceId);
    expect((await unregisterDevice(bob, bobs.body.deviceId)).status).toBe(404);
  });

  it.each([
    ['an unknown platform', { platform: 'windows', token: apnsToken() }, 'platform'],
    ['an empty token', { platform: 'ios', token: '' }, 'token'],
    ['an absurdly long token', { platform: 'android', token: 'a'.repeat(10_000) }, 'token'],
    ['an APNs token that is not hex', { platform: 'ios', token: 'z'.repeat(64) }, 'token'],
    ['an FCM token with spaces', { platform: 'android', token: `${'a'.repeat(80)} ${'b'.repeat(80)}` }, 'token'],
    ['a missing token', { platform: 'ios' }, 'token'],
    ['an unknown field', { platform: 'ios', token: apnsToken(), userId: 'someone-else' }, ''],
    ['an appVersion that is not printable text', { platform: 'ios', token: apnsToken(), appVersion: 'a\nb' }, 'appVersion'],
  ])('refuses %s with 400 naming the field, writing nothing', async (_case, body, field) => {
    // Prepare
    const user = await createTestUser('refused');

    // Act
    const res = await registerDevice(user, body);

    // Assess
    expect(res.status).toBe(400);
    const error = (res.body as unknown as ErrorBody).error;
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', requestId: res.headers.get('x-request-id') });
    expect(error.details).toContainEqual(expect.objectContaining({ location: 'body', path: field }));
    expect(await devicesOf(user)).toEqual([]);
  });

  it('requires an access token', async () => {
    // Act
    const res = await api('/devices', { method: 'POST', body: { platform: 'ios', token: apnsToken() } });

    // Assess
    expect(res.status).toBe(401);
  });
});

describe('GET /devices', () => {
  it('pages through the caller’s devices and refuses a cursor of another user', async () => {
    // Prepare
    const user = await createTestUser('pager');
    for (let i = 0; i < 3; i++) await registerDevice(user, { platform: 'ios', token: apnsToken() });

    // Act
    const first = await listDevices(user, '?limit=2');
    const second = await listDevices(user, `?limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`);
    const stolen = await listDevices(bob, `?cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`);
    const outOfRange = await listDevices(user, '?limit=101');

    // Assess
    expect(first.body.items).toHaveLength(2);
    expect(second.body).toMatchObject({ items: [expect.any(Object)], nextCursor: null });
    expect(stolen.status).toBe(400);
    expect(outOfRange.status).toBe(400);
  });
});

describe('DELETE /devices/{deviceId}', () => {
  it('unregisters the caller’s device: 204, then gone from the list and a second delete is 404', async () => {
    // Prepare
    const registered = await registerDevice(alice, { platform: 'ios', token: apnsToken() });

    // Act
    const res = await unregisterDevice(alice, registered.body.deviceId);
    const again = await unregisterDevice(alice, registered.body.deviceId);

    // Assess
    expect(res.status).toBe(204);
    expect(again.status).toBe(404);
    expect((await devicesOf(alice)).map((d) => d.deviceId)).not.toContain(registered.body.deviceId);
  });

  it('answers 404 for another user’s device and leaves it registered', async () => {
    // Prepare
    const bobs = await registerDevice(bob, { platform: 'android', token: fcmToken() });

    // Act
    const res = await unregisterDevice(alice, bobs.body.deviceId);

    // Assess
    expect(res.status).toBe(404);
    expect((res.body as ErrorBody).error.code).toBe('NOT_FOUND');
    expect((await devicesOf(bob)).map((d) => d.deviceId)).toContain(bobs.body.deviceId);
  });

  it('answers 404 for an id that was never issued', async () => {
    // Act
    const res = await unregisterDevice(alice, 'no-such-device');

    // Assess
    expect(res.status).toBe(404);
  });
});
