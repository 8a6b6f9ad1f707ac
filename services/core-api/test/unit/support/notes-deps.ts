// Domain dependencies for unit tests: the in-memory repository, known users (the three below), the real upload-key
// verifier with a test secret, a clock that moves only when told, predictable ids, and fake metrics.
import { signMediaKey, verifyMediaKey } from '@photonotes/shared/media-keys';
import { fakeMetrics } from '@photonotes/shared/metrics';
import type { FakeMetrics } from '@photonotes/shared/metrics';
import type { NotesDeps } from '../../../src/domain/deps';
import type { StoredNote } from '../../../src/domain/note';
import { FakeKnownUsers } from './fake-known-users';
import { FakeNotesRepository } from './fake-notes-repository';

process.env.MEDIA_KEY_SECRET ??= 'unit-test-media-key-secret';

export const owner = { userId: 'owner-1' };
export const sharee = { userId: 'sharee-1' };
export const stranger = { userId: 'stranger-1' };

export interface TestDeps {
  deps: NotesDeps;
  repo: FakeNotesRepository;
  users: FakeKnownUsers;
  clock: { now: Date; advance(ms: number): void };
  metrics: FakeMetrics;
}

export function testDeps(): TestDeps {
  const repo = new FakeNotesRepository();
  const users = new FakeKnownUsers([owner.userId, sharee.userId, stranger.userId]);
  const clock = {
    now: new Date('2026-11-28T09:00:00.000Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  let ids = 0;
  const metrics = fakeMetrics();
  const deps: NotesDeps = {
    notes: repo,
    users,
    verifyPhotoKey: verifyMediaKey,
    clock: { now: () => clock.now },
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    metrics,
  };
  return { deps, repo, users, clock, metrics };
}

export function photoKeyOf(userId: string): string {
  return signMediaKey(userId, 'image/jpeg');
}

let seeded = 0;

/** A stored note with sensible defaults, for tests that start from an existing note. */
export function storedNote(overrides: Partial<StoredNote> = {}): StoredNote {
  seeded++;
  return {
    id: `10000000-0000-4000-8000-${String(seeded).padStart(12, '0')}`,
    ownerId: owner.userId,
    title: 'Groceries',
    body: 'milk',
    tags: ['home'],
    visibility: 'private',
    sharedWith: [sharee.userId],
    photo: null,
    version: 3,
    createdAt: '2026-11-27T09:00:00.000Z',
    updatedAt: '2026-11-27T10:00:00.000Z',
    createHash: 'hash',
    ...overrides,
  };
}

export const thumbnails = {
  small: { url: 'http://cdn/s.jpg', width: 128, height: 96 },
  medium: { url: 'http://cdn/m.jpg', width: 512, height: 384 },
  large: { url: 'http://cdn/l.jpg', width: 1024, height: 768 },
};

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
export async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
