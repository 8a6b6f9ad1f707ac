// What every notes operation is given: storage, the known users, the upload-key check, the clock and id
// source (injected so unit tests control them), and the product metrics.
import type { Clock } from '@photonotes/shared/clock';
import type { Metrics } from '@photonotes/shared/metrics';
import type { KnownUsers } from './known-users';
import type { NotesRepository } from './ports';

export interface NotesDeps {
  notes: NotesRepository;
  /** Which user ids exist: sharees are checked against it. */
  users: KnownUsers;
  /** True when `key` was issued to `userId` by POST /media/uploads (shared/src/media-keys.ts). */
  verifyPhotoKey(key: string, userId: string): boolean;
  clock: Clock;
  newId(): string;
  /** NotesCreated/Updated/Deleted and NoteShares, counted when a write is stored. */
  metrics: Metrics;
}

export interface Caller {
  userId: string;
}
