// GET /devices?limit=&cursor= → the caller's devices.
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { devicesStoreFromEnv } from '../adapters/dependencies';
import { listDevices } from '../domain/devices';
import { listDevicesRoute } from '../routes/list-devices';

const deps = dependencies({ devices: devicesStoreFromEnv });

export const handler = http(listDevicesRoute).handler(async ({ query, auth }) => ok(await listDevices(auth, query, deps)));
