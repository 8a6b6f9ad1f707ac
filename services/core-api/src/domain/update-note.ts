// PATCH /notes/{id}: owner only, optimistic concurrency on `version` (If-Match when the client sends it,
// internally otherwise), so every change adds exactly one to the version even under concurrent writes.
// A user newly added to sharedWith must exist; those already on the note are not checked again.
import { assertCanChange, assertVersion, invalidPhotoKey, keepsChanging, noteNotFound, parseNoteId, staleVersion, tooManyShareChanges } from './access';
import type { Caller, NotesDeps } from './deps';
import { addedSharees, assertKnownSharees } from './known-users';
import { normaliseSharedWith, normaliseTags, photoFor, sameContent, toNote } from './note';
import type { Note, Photo, ProcessedMedia, StoredNote } from './note';
import type { UpdateNoteInput } from './note-input';
import { ChangeTooLargeError, MediaChangedError, NoteChangedError, WriteConflictError } from './ports';
import type { ReplaceOptions } from './ports';
import { writeAttempts } from './write-attempts';

export interface UpdateNoteRequest {
  id: string;
  patch: UpdateNoteInput;
  /** From If-Match; undefined when absent. */
  expectedVersion: number | undefined;
}

export async function updateNote(request: UpdateNoteRequest, caller: Caller, deps: NotesDeps): Promise<Note> {
  const id = parseNoteId(request.id);
  const { patch, expectedVersion } = request;
  if (typeof patch.photoKey === 'string' && !deps.verifyPhotoKey(patch.photoKey, caller.userId)) throw invalidPhotoKey();

  let processed: ProcessedMedia | null = null;
  // Sharees found to exist by an earlier attempt: a retry checks only those a concurrent write has not added.
  const known = new Set<string>();
  for await (const _attempt of writeAttempts(deps.clock)) {
    const current = await deps.notes.getNote(id);
    assertCanChange(current, caller);
    assertVersion(current, expectedVersion);
    const next = applyPatch(current, patch, processed, deps.clock.now());
    if (sameContent(next, current)) return toNote(current);
    const added = addedSharees(next.sharedWith, current.sharedWith).filter((userId) => !known.has(userId));
    await assertKnownSharees(added, patch.sharedWith ?? [], deps.users);
    for (const userId of added) known.add(userId);
    try {
      await deps.notes.replaceNote(current, next, photoChange(current.photo, next.photo, processed));
      deps.metrics.count('NotesUpdated');
      deps.metrics.count('NoteShares', addedSharees(next.sharedWith, current.sharedWith).length);
      return toNote(next);
    } catch (err) {
      if (err instanceof WriteConflictError) continue;
      if (err instanceof NoteChangedError) {
        if (expectedVersion === undefined) continue;
        if (!err.current) throw noteNotFound();
        throw staleVersion(err.current);
      }
      if (err instanceof MediaChangedError) {
        processed = err.current;
        continue;
      }
      if (err instanceof ChangeTooLargeError) throw tooManyShareChanges();
      throw err;
    }
  }
  throw keepsChanging();
}

function applyPatch(current: StoredNote, patch: UpdateNoteInput, processed: ProcessedMedia | null, now: Date): StoredNote {
  return {
    ...current,
    title: patch.title ?? current.title,
    body: patch.body ?? current.body,
    tags: patch.tags ? normaliseTags(patch.tags) : current.tags,
    visibility: patch.visibility ?? current.visibility,
    sharedWith: patch.sharedWith ? normaliseSharedWith(patch.sharedWith, current.ownerId) : current.sharedWith,
    photo: nextPhoto(current.photo, patch.photoKey, processed),
    version: current.version + 1,
    updatedAt: now.toISOString(),
  };
}

function nextPhoto(current: Photo | null, photoKey: string | null | undefined, processed: ProcessedMedia | null): Photo | null {
  if (photoKey === undefined) return current;
  if (photoKey === null) return null;
  // The same key keeps whatever processing already reported for it.
  if (current?.key === photoKey) return current;
  return photoFor(photoKey, processed);
}

/** A new key is linked under the processing state its photo was computed from; the old one is let go. */
function photoChange(previous: Photo | null, next: Photo | null, processed: ProcessedMedia | null): ReplaceOptions {
  if (previous?.key === next?.key) return {};
  const options: ReplaceOptions = {};
  if (next) options.link = { key: next.key, processed };
  if (previous) options.unlinkKey = previous.key;
  return options;
}
