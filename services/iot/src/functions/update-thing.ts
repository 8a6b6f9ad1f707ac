// PATCH /things/{thingId} → the thing.
import { http, ok } from '@photonotes/shared/http';
import { registryDeps } from '../adapters/dependencies';
import { updateThing } from '../domain/registry';
import { updateThingRoute } from '../routes/update-thing';

const deps = registryDeps();

export const handler = http(updateThingRoute).handler(async ({ path, body, auth }) => ok(await updateThing(path.thingId, body, auth, deps)));
