// GET /dev/push-outbox?limit=&cursor= (local stage only) → the pushes recorded for the caller's devices, newest first.
import { requireEnv } from '@photonotes/shared/env';
import { http, ok } from '@photonotes/shared/http';
import { pushOutbox } from '../adapters/outbox-push';
import { devPushOutboxRoute } from '../routes/dev-push-outbox';

const outbox = pushOutbox({ tableName: requireEnv('INBOX_TABLE') });
requireEnv('CURSOR_SECRET');

export const handler = http(devPushOutboxRoute).handler(async ({ query, auth }) => ok(await outbox.list(auth.userId, query)));
