// PUT /things/{thingId}/state/desired → the state; the device gets `{ version, desired }` retained.
import { http, ok } from '@photonotes/shared/http';
import { iotDeps } from '../adapters/dependencies';
import { putDesired } from '../domain/desired-state';
import { parseStateIfMatch } from '../domain/state-input';
import { putDesiredRoute } from '../routes/put-desired';

const deps = iotDeps();

export const handler = http(putDesiredRoute).handler(async ({ path, body, headers, auth }) =>
  ok(await putDesired(path.thingId, { desired: body.desired, expectedVersion: parseStateIfMatch(headers['if-match']) }, auth, deps)),
);
