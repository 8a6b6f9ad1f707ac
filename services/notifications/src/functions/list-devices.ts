// GET /devices?limit=&cursor= → the caller's devices.
import { requireEnv } from '@photonotes/shared/env';
import { http, ok } from '@photonotes/shared/http';
import { devicesStore } from '../adapters/stores';
import { listDevices } from '../domain/devices';
import { listDevicesRoute } from '../routes/list-devices';

const deps = { devices: devicesStore() };
requireEnv('CURSOR_SECRET');

export const handler = http(listDevicesRoute).handler(async ({ query, auth }) => ok(await listDevices(auth, query, deps)));
