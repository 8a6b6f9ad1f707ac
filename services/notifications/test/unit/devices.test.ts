import { maxDevicesPerUser } from '../../src/domain/device';
import { listDevices, registerDevice, unregisterDevice } from '../../src/domain/devices';
import { alice, androidToken, bob, device, iosToken, testDeps, testLogger, thrownBy } from './support/fakes';

describe('registerDevice', () => {
  it('creates a device with a push endpoint for a new token', async () => {
    // Prepare
    const { deps, devices, push } = testDeps();

    // Act
    const { device: registered, created } = await registerDevice({ platform: 'ios', token: iosToken(1), appVersion: '2.1.0' }, alice, deps);

    // Assess
    expect(created).toBe(true);
    expect(registered).toMatchObject({ userId: 'alice', platform: 'ios', token: iosToken(1), appVersion: '2.1.0', createdAt: '2026-11-28T09:00:00.000Z' });
    expect(registered.endpointArn).not.toBeNull();
    expect(push.endpoints.has(registered.endpointArn as string)).toBe(true);
    expect(await devices.get('alice', registered.deviceId)).toEqual(registered);
    expect(await devices.tokenOwner('ios', iosToken(1))).toEqual({ userId: 'alice', deviceId: registered.deviceId, endpointArn: registered.endpointArn });
  });

  it('returns the same device when the caller registers the token again, updating the app version', async () => {
    // Prepare
    const { deps, devices, clock } = testDeps();
    const first = await registerDevice({ platform: 'android', token: androidToken(1), appVersion: '1.0' }, alice, deps);
    clock.advance(60_000);

    // Act
    const again = await registerDevice({ platform: 'android', token: androidToken(1), appVersion: '1.1' }, alice, deps);

    // Assess
    expect(again.created).toBe(false);
    expect(again.device).toMatchObject({ deviceId: first.device.deviceId, createdAt: first.device.createdAt, appVersion: '1.1', updatedAt: '2026-11-28T09:01:00.000Z' });
    expect(devices.count('alice')).toBe(1);
  });

  it('keeps the stored app version when a repeated registration does not name one', async () => {
    // Prepare
    const { deps } = testDeps();
    await registerDevice({ platform: 'ios', token: iosToken(2), appVersion: '3.0' }, alice, deps);

    // Act
    const again = await registerDevice({ platform: 'ios', token: iosToken(2) }, alice, deps);

    // Assess
    expect(again.device.appVersion).toBe('3.0');
  });

  it('compares APNs tokens case-insensitively', async () => {
    // Prepare
    const { deps, devices } = testDeps();
    const first = await registerDevice({ platform: 'ios', token: iosToken(3).toUpperCase() }, alice, deps);

    // Act
    const again = await registerDevice({ platform: 'ios', token: iosToken(3) }, alice, deps);

    // Assess
    expect(again).toMatchObject({ created: false, device: { deviceId: first.device.deviceId, token: iosToken(3) } });
    expect(devices.count('alice')).toBe(1);
  });

  it('moves a token another user had to the caller: one device, one owner', async () => {
    // Prepare
    const { deps, devices } = testDeps();
    const bobs = await registerDevice({ platform: 'ios', token: iosToken(4) }, bob, deps);

    // Act
    const alices = await registerDevice({ platform: 'ios', token: iosToken(4) }, alice, deps);

    // Assess
    expect(alices.created).toBe(true);
    expect(alices.device.deviceId).not.toBe(bobs.device.deviceId);
    expect(alices.device.endpointArn).toBe(bobs.device.endpointArn);
    expect(await devices.get('bob', bobs.device.deviceId)).toBeUndefined();
    expect(await devices.tokenOwner('ios', iosToken(4))).toMatchObject({ userId: 'alice', deviceId: alices.device.deviceId });
    expect(devices.count('bob')).toBe(0);
    expect(devices.count('alice')).toBe(1);
  });

  it('refuses a token the platform could not have issued, writing nothing', async () => {
    // Prepare
    const { deps, devices, push } = testDeps();

    // Act
    const err = await thrownBy(() => registerDevice({ platform: 'ios', token: 'not-hex' }, alice, deps));

    // Assess
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [{ location: 'body', path: 'token', code: 'invalid_token' }] });
    expect(devices.writes).toBe(0);
    expect(push.endpoints.size).toBe(0);
  });

  it('answers 409 once the user has the maximum number of devices, writing nothing', async () => {
    // Prepare
    const { deps, devices } = testDeps();
    for (let i = 0; i < maxDevicesPerUser; i++) devices.seed(device({ userId: 'alice' }));
    const writes = devices.writes;

    // Act
    const err = await thrownBy(() => registerDevice({ platform: 'ios', token: iosToken(999) }, alice, deps));

    // Assess
    expect(err).toMatchObject({ status: 409, code: 'CONFLICT', details: [{ reason: 'device_limit', limit: maxDevicesPerUser }] });
    expect(devices.count('alice')).toBe(maxDevicesPerUser);
    expect(devices.writes).toBe(writes);
  });

  it('reads the winner and answers with its device when a concurrent registration of the token wins', async () => {
    // Prepare
    const { deps, devices } = testDeps();
    const winner = device({ userId: 'alice', token: iosToken(5) });
    devices.beforeNextWrite = () => devices.seed(winner);

    // Act
    const result = await registerDevice({ platform: 'ios', token: iosToken(5) }, alice, deps);

    // Assess
    expect(result).toMatchObject({ created: false, device: { deviceId: winner.deviceId } });
    expect(devices.count('alice')).toBe(1);
  });
});

describe('listDevices', () => {
  it('lists only the caller’s devices, without tokens or endpoints', async () => {
    // Prepare
    const { deps, devices } = testDeps();
    devices.seed(device({ userId: 'alice', deviceId: 'a1' }));
    devices.seed(device({ userId: 'bob', deviceId: 'b1' }));

    // Act
    const page = await listDevices(alice, { limit: 20 }, deps);

    // Assess
    expect(page).toEqual({
      items: [{ deviceId: 'a1', platform: 'ios', appVersion: '1.0.0', createdAt: '2026-11-27T09:00:00.000Z', updatedAt: '2026-11-27T09:00:00.000Z' }],
      nextCursor: null,
    });
  });
});

describe('unregisterDevice', () => {
  it('removes the device, its token and its push endpoint', async () => {
    // Prepare
    const { deps, devices, push } = testDeps();
    const { device: registered } = await registerDevice({ platform: 'ios', token: iosToken(6) }, alice, deps);

    // Act
    await unregisterDevice(registered.deviceId, alice, deps, testLogger().log);

    // Assess
    expect(await devices.get('alice', registered.deviceId)).toBeUndefined();
    expect(await devices.tokenOwner('ios', iosToken(6))).toBeUndefined();
    expect(push.endpoints.has(registered.endpointArn as string)).toBe(false);
  });

  it('answers 404 for another user’s device and leaves it alone', async () => {
    // Prepare
    const { deps, devices, push } = testDeps();
    const { device: bobs } = await registerDevice({ platform: 'ios', token: iosToken(7) }, bob, deps);

    // Act
    const err = await thrownBy(() => unregisterDevice(bobs.deviceId, alice, deps, testLogger().log));

    // Assess
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await devices.get('bob', bobs.deviceId)).toEqual(bobs);
    expect(push.endpoints.has(bobs.endpointArn as string)).toBe(true);
  });

  it('answers 404 for an unknown device', async () => {
    // Prepare
    const { deps } = testDeps();

    // Act
    const err = await thrownBy(() => unregisterDevice('no-such-device', alice, deps, testLogger().log));

    // Assess
    expect(err).toMatchObject({ status: 404 });
  });

  it('still succeeds when the push endpoint cannot be deleted, and logs it', async () => {
    // Prepare
    const { deps, devices, push } = testDeps();
    const { device: registered } = await registerDevice({ platform: 'ios', token: iosToken(8) }, alice, deps);
    push.removeEndpoint = async () => {
      throw new Error('SNS is down');
    };
    const { log, lines } = testLogger();

    // Act
    await unregisterDevice(registered.deviceId, alice, deps, log);

    // Assess
    expect(await devices.get('alice', registered.deviceId)).toBeUndefined();
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', deviceId: registered.deviceId }));
  });
});
