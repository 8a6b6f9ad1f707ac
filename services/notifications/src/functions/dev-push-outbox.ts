// GET /dev/push-outbox?limit=&cursor= (local stage only) → the pushes recorded for the caller's devices, newest first.
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { pushOutboxFromEnv } from '../adapters/dependencies';
import { devPushOutboxRoute } from '../routes/dev-push-outbox';

const deps = dependencies({ outbox: pushOutboxFromEnv });

export const handler = http(devPushOutboxRoute).handler(async ({ query, auth }) => ok(await deps.outbox.list(auth.userId, query)));
