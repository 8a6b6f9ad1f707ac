// note-events topic (core-api): a user newly added to a note's sharedWith gets note.shared, once per note in
// NOTE_SHARED_QUIET_HOURS (param noteSharedQuietHours, 24 by the contract).
import { noteChanged } from '@photonotes/shared/contracts/note-events';
import { applied, ignored, snsConsumer } from '@photonotes/shared/consumers/sns';
import { lazy } from '@photonotes/shared/dependencies';
import { noteSharedQuietSecondsFromEnv, notificationsDeps } from '../adapters/dependencies';
import { deliverAll } from '../domain/delivery';
import { noteShareRequests } from '../domain/triggers';

const quietSeconds = lazy(noteSharedQuietSecondsFromEnv);

export const handler = snsConsumer({ service: 'notifications', contract: noteChanged, deps: notificationsDeps }, async (event, { deps, log }) => {
  const requests = noteShareRequests(event, quietSeconds());
  if (requests.length === 0) return ignored('nobody gained access to the note');
  const results = await deliverAll(requests, deps, log);
  return applied({ noteId: event.data.noteId, version: event.data.version, results });
});
