// Notes table stream (core-api): a user newly added to a note's sharedWith gets note.shared, once.
import { streamHandler } from '@photonotes/shared/events';
import { notificationsDeps } from '../adapters/dependencies';
import { deliverAll } from '../domain/delivery';
import { noteShareRequests } from '../domain/triggers';

const deps = notificationsDeps();

// Each record carries both images and its delivery is idempotent, so records need no order: a batch is handled
// side by side, and a failure makes Lambda redeliver from the earliest failed record (duplicates are suppressed).
export const handler = streamHandler({ service: 'notifications', concurrency: 10 }, async (change, { log }) => {
  const outcome = noteShareRequests(change);
  if (outcome.kind === 'ignore') return;
  if (outcome.kind === 'invalid') {
    log.warn('Dropping a note change that cannot be read', { issues: outcome.issues });
    return;
  }
  if (outcome.value.length === 0) return;
  const results = await deliverAll(outcome.value, deps, log);
  log.info('Notified users of a shared note', { noteId: outcome.value[0]?.content.data.noteId, results });
});
