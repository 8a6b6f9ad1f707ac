// note-events topic (core-api): every note.changed goes to the open apps of the note's owner and sharees (realtime
// note.changed: upserts, and deletes for the unshared), and a user newly added to a note's sharedWith gets note.shared,
// once per note in NOTE_SHARED_QUIET_HOURS (param noteSharedQuietHours, 24 by the contract).
import { noteChanged } from '@photonotes/shared/contracts/note-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { lazy } from '@photonotes/shared/dependencies';
import { consumerDeps, noteSharedQuietSecondsFromEnv } from '../adapters/dependencies';
import { deliverAll } from '../domain/delivery';
import { fanOutNoteChange } from '../domain/realtime-notes';
import { noteShareRequests } from '../domain/triggers';

const quietSeconds = lazy(noteSharedQuietSecondsFromEnv);

export const handler = snsConsumer({ service: 'notifications', contract: noteChanged, deps: consumerDeps }, async (event, { deps, log }) => {
  const requests = noteShareRequests(event, quietSeconds());
  // The realtime fan-out never throws; a failed delivery fails the event, and its retry finds the note change
  // already sent (the fan-out's per-note position) and the deliveries already made.
  const [realtime, results] = await Promise.all([fanOutNoteChange(event, deps.realtime, log), requests.length > 0 ? deliverAll(requests, deps, log) : Promise.resolve([])]);
  return applied({ noteId: event.data.noteId, version: event.data.version, results, realtime });
});
