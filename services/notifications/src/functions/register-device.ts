// POST /devices { platform, token, appVersion? } → 201 { deviceId, platform, createdAt }; 200 with the same device
// when the caller had registered the token already (a token another user had moves to the caller).
import { created, http, ok } from '@photonotes/shared/http';
import { notificationsDeps } from '../adapters/dependencies';
import { registerDevice } from '../domain/devices';
import { registerDeviceRoute } from '../routes/register-device';

const deps = notificationsDeps();

export const handler = http(registerDeviceRoute).handler(async ({ body, auth }) => {
  const { device, created: isNew } = await registerDevice(body, auth, deps);
  const view = { deviceId: device.deviceId, platform: device.platform, createdAt: device.createdAt };
  return isNew ? created(view) : ok(view);
});
