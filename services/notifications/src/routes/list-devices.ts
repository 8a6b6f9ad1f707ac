// GET /devices?limit=&cursor= → the caller's devices.
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named, pageOf, timestamp } from '@photonotes/shared/openapi';
import { paginationQuery } from '@photonotes/shared/validation';
import * as z from 'zod/mini';
import { platforms } from '../domain/device';
import type { DeviceView } from '../domain/device';
import type { Page } from '../domain/ports';

const DeviceSchema = named(
  'Device',
  describes<DeviceView>()(z.object({ deviceId: z.string(), platform: z.enum(platforms), appVersion: z.nullable(z.string()), createdAt: timestamp, updatedAt: timestamp })),
);

const DevicePageSchema = named('DevicePage', describes<Page<DeviceView>>()(pageOf(DeviceSchema)));

export const listDevicesRoute = defineRoute({
  service: 'notifications',
  method: 'GET',
  path: '/devices',
  operationId: 'listDevices',
  summary: 'Your devices',
  tags: ['notifications'],
  query: paginationQuery,
  responses: { 200: { description: 'A page of devices', schema: DevicePageSchema } },
  errors: { 400: 'An invalid limit, or a cursor the server did not issue' },
});
