// DELETE /devices/{deviceId} → 204; the device stops receiving pushes. Another user's device, or none: 404.
import { http, noContent } from '@photonotes/shared/http';
import { notificationsDeps } from '../adapters/dependencies';
import { unregisterDevice } from '../domain/devices';
import { unregisterDeviceRoute } from '../routes/unregister-device';

const deps = notificationsDeps();

export const handler = http(unregisterDeviceRoute).handler(async ({ path, auth, log }) => {
  await unregisterDevice(path.deviceId, auth, deps, log);
  return noContent();
});
