// GET /things/{thingId}/telemetry → readings or buckets, oldest first.
import { http, ok } from '@photonotes/shared/http';
import { registryDeps } from '../adapters/dependencies';
import { readTelemetry } from '../domain/read-telemetry';
import { readTelemetryRoute } from '../routes/read-telemetry';

const deps = registryDeps();

export const handler = http(readTelemetryRoute).handler(async ({ path, query, auth }) => ok(await readTelemetry(path.thingId, query, auth, deps)));
