// GET /things/{thingId} → the thing with state and latest readings.
import { http, ok } from '@photonotes/shared/http';
import { registryDeps } from '../adapters/dependencies';
import { getThing } from '../domain/registry';
import { getThingRoute } from '../routes/get-thing';

const deps = registryDeps();

export const handler = http(getThingRoute).handler(async ({ path, auth }) => ok(await getThing(path.thingId, auth, deps)));
