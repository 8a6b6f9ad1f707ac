// DELETE /devices/{deviceId} → 204; the device stops receiving pushes. Another user's device, or none: 404.
import { defineRoute } from '@photonotes/shared/http-route';
import * as z from 'zod/mini';

export const deviceIdPath = z.object({ deviceId: z.string().check(z.minLength(1), z.maxLength(128)) });

export const unregisterDeviceRoute = defineRoute({
  service: 'notifications',
  method: 'DELETE',
  path: '/devices/{deviceId}',
  operationId: 'unregisterDevice',
  summary: 'Stop pushes to a device',
  tags: ['notifications'],
  params: deviceIdPath,
  responses: { 204: { description: 'Unregistered' } },
  errors: { 404: 'No such device among the caller’s' },
});
