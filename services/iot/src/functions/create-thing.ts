// POST /things → 201 { thing, credentials }.
import { created, http } from '@photonotes/shared/http';
import { creationDeps } from '../adapters/dependencies';
import { createThing } from '../domain/registry';
import { createThingRoute } from '../routes/create-thing';

const deps = creationDeps();

export const handler = http(createThingRoute).handler(async ({ body, auth, log }) => {
  const registration = await createThing(body, auth, deps, log);
  return created(registration, { location: `/things/${registration.thing.thingId}` });
});
