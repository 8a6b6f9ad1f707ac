// How core-api's functions get their dependencies (README, "Wiring a service"): a getter per capability,
// built on first use and kept for the container's life, each reading its own environment variables.
// Getters are function declarations, so esbuild drops the ones a function does not use.
import { randomUUID } from 'node:crypto';
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { tableClient } from '@photonotes/shared/dynamodb';
import { requireEnv } from '@photonotes/shared/env';
import { verifyMediaKey } from '@photonotes/shared/media-keys';
import { emfMetrics } from '@photonotes/shared/metrics-emf';
import type { NotesDeps } from '../domain/deps';
import type { KnownUsers } from '../domain/known-users';
import type { NotesRepository } from '../domain/ports';
import { knownUsers } from './known-users';
import { notesRepository } from './notes-repository';
import { sharedFeed } from './shared-feed';
import type { SharedFeed } from './shared-feed';

export function notesTableName(): string {
  return requireEnv('NOTES_TABLE');
}

let notes: NotesRepository | undefined;
export function notesRepositoryFromEnv(): NotesRepository {
  return (notes ??= notesRepository({ tableName: notesTableName() }));
}

let shared: SharedFeed | undefined;
/** The users' shared feeds, which publishNoteEvents writes (domain/shared-feed.ts). */
export function sharedFeedFromEnv(): SharedFeed {
  return (shared ??= sharedFeed(tableClient({ tableName: notesTableName() }), systemClock));
}

let users: KnownUsers | undefined;
/** The known-users projection, in the notes table. */
export function knownUsersFromEnv(): KnownUsers {
  return (users ??= knownUsers(tableClient({ tableName: notesTableName() })));
}

let notesDependencies: NotesDeps | undefined;
/**
 * What every notes operation takes; each part is built when an operation first uses it. The photo-key check
 * reads MEDIA_KEY_SECRET, and list cursors CURSOR_SECRET, at their own first use (shared/src/media-keys.ts, cursor.ts).
 */
export function notesDeps(): NotesDeps {
  return (notesDependencies ??= dependencies({
    notes: notesRepositoryFromEnv,
    users: knownUsersFromEnv,
    verifyPhotoKey: () => verifyMediaKey,
    clock: () => systemClock,
    newId: () => randomUUID,
    metrics: () => emfMetrics({ service: 'core-api' }),
  }));
}
