// The `data` of a notification, as the inbox (GET /notifications) and the local push outbox show it.
import { annotate } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';

export const notificationData = annotate(z.record(z.string(), z.string()), {
  description: '`{ noteId }` for note.shared, `{ key }` (the media key) for media.ready and media.failed',
});
