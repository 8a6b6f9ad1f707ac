// PUT /things/{thingId}/alerts → { rules }.
import { http, ok } from '@photonotes/shared/http';
import { registryDeps } from '../adapters/dependencies';
import { replaceAlertRules } from '../domain/alert-rules';
import { putAlertsRoute } from '../routes/put-alerts';

const deps = registryDeps();

export const handler = http(putAlertsRoute).handler(async ({ path, body, auth }) => ok(await replaceAlertRules(path.thingId, body, auth, deps)));
