// GET /dev/mail-outbox?email= (local stage only) → the codes recorded for that address, newest first.
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { mailOutboxFromEnv } from '../adapters/dependencies';
import { devMailOutboxRoute } from '../routes/dev-mail-outbox';

const deps = dependencies({ outbox: mailOutboxFromEnv });

export const handler = http(devMailOutboxRoute).handler(async ({ query }) => ok({ items: await deps.outbox.list(query.email) }, { 'cache-control': 'no-store' }));
