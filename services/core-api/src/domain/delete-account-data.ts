// user.deleted: the id stops being a known user (no note can be shared with it any more), the account's notes go
// (their share entries with them), the account leaves every note shared with it, and its change feed and upload
// records are purged. Safe to run again after a failure.
import type { NotesDeps } from './deps';
import { NoteChangedError, WriteConflictError } from './ports';
import { writeAttempts } from './write-attempts';

/** Notes removed at a time: account deletion touches no shared item (like the change feed), so it can fan out. */
const parallelism = 8;

export async function deleteAccountData(userId: string, deps: NotesDeps): Promise<void> {
  // First, so a share written while the cleanup runs cannot name the account (only one already checked can).
  await deps.users.recordDeleted(userId, deps.clock.now().toISOString());
  await forEachConcurrently(deps.notes.ownNoteIds(userId), parallelism, (id) => removeOwnNote(id, userId, deps));
  await forEachConcurrently(deps.notes.sharedNoteIds(userId), parallelism, (id) => leaveSharedNote(id, userId, deps));
  await deps.notes.purgeAccount(userId);
}

async function removeOwnNote(id: string, userId: string, deps: NotesDeps): Promise<void> {
  await retryOnChange(id, deps, async () => {
    const current = await deps.notes.getNote(id);
    if (!current || current.ownerId !== userId) return;
    await deps.notes.removeNote(current, deps.clock.now().toISOString(), { keepHistory: false });
  });
}

async function leaveSharedNote(id: string, userId: string, deps: NotesDeps): Promise<void> {
  await retryOnChange(id, deps, async () => {
    const current = await deps.notes.getNote(id);
    if (!current?.sharedWith.includes(userId)) return;
    const next = {
      ...current,
      sharedWith: current.sharedWith.filter((sharee) => sharee !== userId),
      version: current.version + 1,
      updatedAt: deps.clock.now().toISOString(),
    };
    await deps.notes.replaceNote(current, next);
  });
}

async function retryOnChange(id: string, deps: NotesDeps, attempt: () => Promise<void>): Promise<void> {
  for await (const _attempt of writeAttempts(deps.clock)) {
    try {
      await attempt();
      return;
    } catch (err) {
      if (!(err instanceof NoteChangedError || err instanceof WriteConflictError)) throw err;
    }
  }
  throw new Error(`Note ${id} kept changing while the account's data was deleted`);
}

async function forEachConcurrently<T>(items: AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  const failures: unknown[] = [];
  try {
    for await (const item of items) {
      const task = fn(item)
        .catch((err: unknown) => {
          failures.push(err);
        })
        .finally(() => running.delete(task));
      running.add(task);
      if (running.size >= limit) await Promise.race(running);
    }
  } finally {
    // Reading may fail (a store error, a capped read): what started still finishes before the failure is reported.
    await Promise.all(running);
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} notes could not be cleaned up`);
}
