// POST /notifications/read { ids: [1..100] } → 204; an id that is not one of the caller's notifications: 404, nothing written.
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { http, noContent } from '@photonotes/shared/http';
import { inboxStoreFromEnv } from '../adapters/dependencies';
import { markRead } from '../domain/inbox';
import { markNotificationsReadRoute } from '../routes/mark-notifications-read';

const deps = dependencies({ inbox: inboxStoreFromEnv, clock: () => systemClock });

export const handler = http(markNotificationsReadRoute).handler(async ({ body, auth }) => {
  await markRead(body.ids, auth, deps);
  return noContent();
});
