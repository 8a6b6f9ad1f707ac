// The `data` of a notification, as the inbox (GET /notifications) and the local push outbox show it.
import { annotate } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';

export const notificationData = annotate(z.record(z.string(), z.union([z.string(), z.number()])), {
  description: '`{ noteId }` for note.shared, `{ key }` (the media key) for media.ready and media.failed, `{ thingId, ruleId, metric, value, at }` for thing.alert (value a number)',
});
