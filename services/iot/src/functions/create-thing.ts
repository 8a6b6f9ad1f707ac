// POST /things → 201 { thing, credentials }.
import { created, http } from '@photonotes/shared/http';
import { registryDeps } from '../adapters/dependencies';
import { createThing } from '../domain/registry';
import { createThingRoute } from '../routes/create-thing';

const deps = registryDeps();

export const handler = http(createThingRoute).handler(async ({ body, auth }) => {
  const registration = await createThing(body, auth, deps);
  return created(registration, { location: `/things/${registration.thing.thingId}` });
});
