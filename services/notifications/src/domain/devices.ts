// Registering, listing and unregistering the caller's devices. The push endpoint is made ready before the
// registration is stored, so a stored device can always be pushed to; a registration that loses a race for
// the same token reads the winner and tries again.
import { ConflictError, NotFoundError, ValidationError } from '@photonotes/shared/errors';
import type { Logger } from '@photonotes/shared/log';
import { maxDevicesPerUser, normaliseToken, tokenRules, toDeviceView } from './device';
import type { Device, DeviceView, Platform } from './device';
import { DeviceLimitError, TokenChangedError } from './ports';
import type { NotificationsDeps, Page, PageRequest } from './ports';

export interface Caller {
  userId: string;
}

export interface RegisterDeviceInput {
  platform: Platform;
  token: string;
  appVersion?: string | undefined;
}

export interface Registration {
  device: Device;
  /** False when the caller already had this token (the same device comes back). */
  created: boolean;
}

type DeviceDeps = Pick<NotificationsDeps, 'devices' | 'push' | 'clock' | 'newId'>;

const maxAttempts = 4;

export async function registerDevice(input: RegisterDeviceInput, caller: Caller, deps: DeviceDeps): Promise<Registration> {
  const token = normaliseToken(input.platform, input.token);
  if (token === undefined) {
    throw new ValidationError('Request validation failed', [{ location: 'body', path: 'token', message: tokenRules[input.platform].message, code: 'invalid_token' }]);
  }
  const target = { platform: input.platform, token };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const owner = await deps.devices.tokenOwner(input.platform, token);
    const now = deps.clock.now().toISOString();
    if (owner?.userId === caller.userId) {
      const current = await deps.devices.get(caller.userId, owner.deviceId);
      // Unregistered a moment ago: read the token again.
      if (!current) continue;
      const device: Device = {
        ...current,
        appVersion: input.appVersion === undefined ? current.appVersion : input.appVersion,
        endpointArn: await deps.push.registerEndpoint(target, current.endpointArn),
        updatedAt: now,
      };
      if (await deps.devices.refresh(device)) return { device, created: false };
      continue;
    }
    const device: Device = {
      deviceId: deps.newId(),
      userId: caller.userId,
      ...target,
      appVersion: input.appVersion ?? null,
      endpointArn: await deps.push.registerEndpoint(target, owner?.endpointArn ?? null),
      createdAt: now,
      updatedAt: now,
    };
    try {
      if (owner) await deps.devices.move(owner, device, maxDevicesPerUser);
      else await deps.devices.create(device, maxDevicesPerUser);
      return { device, created: true };
    } catch (err) {
      if (err instanceof DeviceLimitError) {
        throw new ConflictError(`A user can register at most ${maxDevicesPerUser} devices; unregister one first`, [{ reason: 'device_limit', limit: maxDevicesPerUser }]);
      }
      if (!(err instanceof TokenChangedError)) throw err;
    }
  }
  throw new ConflictError('The token is being registered concurrently; try again');
}

export async function listDevices(caller: Caller, page: PageRequest, deps: Pick<NotificationsDeps, 'devices'>): Promise<Page<DeviceView>> {
  const result = await deps.devices.list(caller.userId, page);
  return { items: result.items.map(toDeviceView), nextCursor: result.nextCursor };
}

/** A device of another user, or none, is a 404. The push endpoint goes after the registration is gone. */
export async function unregisterDevice(deviceId: string, caller: Caller, deps: Pick<NotificationsDeps, 'devices' | 'push'>, log: Logger): Promise<void> {
  const device = await deps.devices.get(caller.userId, deviceId);
  if (!device || !(await deps.devices.remove(device))) throw new NotFoundError('No such device');
  await removeEndpointQuietly(device, deps, log);
}

/** Nothing pushes to an endpoint without a device, so a failure to delete it is logged, not raised. */
export async function removeEndpointQuietly(device: Device, deps: Pick<NotificationsDeps, 'push'>, log: Logger): Promise<void> {
  try {
    await deps.push.removeEndpoint(device.endpointArn);
  } catch (err) {
    log.warn('Could not delete the push endpoint of a removed device', { deviceId: device.deviceId, err });
  }
}
