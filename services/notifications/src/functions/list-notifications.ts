// GET /notifications?limit=&cursor= → the caller's inbox, newest first.
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { inboxStoreFromEnv } from '../adapters/dependencies';
import { listInbox } from '../domain/inbox';
import { listNotificationsRoute } from '../routes/list-notifications';

const deps = dependencies({ inbox: inboxStoreFromEnv });

export const handler = http(listNotificationsRoute).handler(async ({ query, auth }) => ok(await listInbox(auth, query, deps)));
