// GET /notifications?limit=&cursor= → the caller's inbox, newest first.
import { requireEnv } from '@photonotes/shared/env';
import { http, ok } from '@photonotes/shared/http';
import { inboxStore } from '../adapters/stores';
import { listInbox } from '../domain/inbox';
import { listNotificationsRoute } from '../routes/list-notifications';

const deps = { inbox: inboxStore() };
requireEnv('CURSOR_SECRET');

export const handler = http(listNotificationsRoute).handler(async ({ query, auth }) => ok(await listInbox(auth, query, deps)));
