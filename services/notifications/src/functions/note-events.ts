// note-events topic (core-api): a user newly added to a note's sharedWith gets note.shared, once.
import { noteChanged } from '@photonotes/shared/contracts/note-events';
import { applied, ignored, snsConsumer } from '@photonotes/shared/consumers/sns';
import { notificationsDeps } from '../adapters/dependencies';
import { deliverAll } from '../domain/delivery';
import { noteShareRequests } from '../domain/triggers';

export const handler = snsConsumer({ service: 'notifications', contract: noteChanged, deps: notificationsDeps }, async (event, { deps, log }) => {
  const requests = noteShareRequests(event);
  if (requests.length === 0) return ignored('nobody gained access to the note');
  const results = await deliverAll(requests, deps, log);
  return applied({ noteId: event.data.noteId, version: event.data.version, results });
});
