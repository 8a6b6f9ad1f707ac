// GET /things/{thingId}/alerts → { rules }.
import { http, ok } from '@photonotes/shared/http';
import { registryDeps } from '../adapters/dependencies';
import { getAlertRules } from '../domain/alert-rules';
import { getAlertsRoute } from '../routes/get-alerts';

const deps = registryDeps();

export const handler = http(getAlertsRoute).handler(async ({ path, auth }) => ok(await getAlertRules(path.thingId, auth, deps)));
