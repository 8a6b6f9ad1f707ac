// POST /things/{thingId}/credentials → 201 { credentials }; the old ones stop working, the device is cut off.
import { created, http } from '@photonotes/shared/http';
import { iotDeps } from '../adapters/dependencies';
import { rotateCredentials } from '../domain/registry';
import { rotateCredentialsRoute } from '../routes/rotate-credentials';

const deps = iotDeps();

export const handler = http(rotateCredentialsRoute).handler(async ({ path, auth }) => created(await rotateCredentials(path.thingId, auth, deps)));
