// POST /notifications/read { ids: [1..100] } → 204; an id that is not one of the caller's notifications: 404, nothing written.
import { http, noContent } from '@photonotes/shared/http';
import { inboxStore } from '../adapters/stores';
import { markRead } from '../domain/inbox';
import { markNotificationsReadRoute } from '../routes/mark-notifications-read';

const deps = { inbox: inboxStore(), clock: { now: () => new Date() } };

export const handler = http(markNotificationsReadRoute).handler(async ({ body, auth }) => {
  await markRead(body.ids, auth, deps);
  return noContent();
});
