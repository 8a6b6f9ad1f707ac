// DELETE /things/{thingId} → 204; the device is cut off, its telemetry purged right after from the things table's
// stream (purge-deleted-things.ts).
import { http, noContent } from '@photonotes/shared/http';
import { iotDeps } from '../adapters/dependencies';
import { deleteThing } from '../domain/registry';
import { deleteThingRoute } from '../routes/delete-thing';

const deps = iotDeps();

export const handler = http(deleteThingRoute).handler(async ({ path, auth }) => {
  await deleteThing(path.thingId, auth, deps);
  return noContent();
});
