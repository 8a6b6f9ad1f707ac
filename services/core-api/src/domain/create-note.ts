// POST /notes: offline-first creation. A client-chosen id makes the request safe to replay: the same
// payload from the same owner gets the stored note back; anything else with that id is a conflict.
// Every sharee must be an existing user, but a replay is recognised first: an app resending a create whose
// sharee has deleted the account since gets its note back, not a 400.
import { ConflictError } from '@photonotes/shared/errors';
import { invalidPhotoKey, keepsChanging, tooManyShareChanges } from './access';
import type { Caller, NotesDeps } from './deps';
import { unknownSharees } from './known-users';
import { createFingerprint, normaliseSharedWith, normaliseTags, photoFor, toNote } from './note';
import type { Note, NoteFields, ProcessedMedia, StoredNote } from './note';
import type { CreateNoteInput } from './note-input';
import { ChangeTooLargeError, MediaChangedError, NoteIdTakenError, WriteConflictError } from './ports';
import { writeAttempts } from './write-attempts';

export interface CreateNoteResult {
  /** False when the request replayed an earlier create (200 instead of 201). */
  created: boolean;
  note: Note;
}

export async function createNote(input: CreateNoteInput, caller: Caller, deps: NotesDeps): Promise<CreateNoteResult> {
  const fields: NoteFields = {
    title: input.title,
    body: input.body ?? '',
    tags: normaliseTags(input.tags ?? []),
    visibility: input.visibility ?? 'private',
    sharedWith: normaliseSharedWith(input.sharedWith ?? [], caller.userId),
    photoKey: input.photoKey ?? null,
  };
  const { photoKey } = fields;
  if (photoKey !== null && !deps.verifyPhotoKey(photoKey, caller.userId)) throw invalidPhotoKey();

  const createHash = createFingerprint(fields);
  const id = input.id ?? deps.newId();
  const replay = await replayOrKnownSharees(id, input, fields, createHash, caller, deps);
  if (replay) return replay;
  const now = deps.clock.now().toISOString();
  // Most photos are still processing when their note is created; if not, the write says so and is redone.
  let processed: ProcessedMedia | null = null;
  for await (const _attempt of writeAttempts(deps.clock)) {
    const note: StoredNote = {
      id,
      ownerId: caller.userId,
      title: fields.title,
      body: fields.body,
      tags: fields.tags,
      visibility: fields.visibility,
      sharedWith: fields.sharedWith,
      photo: photoKey === null ? null : photoFor(photoKey, processed),
      version: 1,
      createdAt: now,
      updatedAt: now,
      createHash,
    };
    try {
      await deps.notes.insertNote(note, photoKey === null ? undefined : { key: photoKey, processed });
      deps.metrics.count('NotesCreated');
      deps.metrics.count('NoteShares', note.sharedWith.length);
      return { created: true, note: toNote(note) };
    } catch (err) {
      if (err instanceof NoteIdTakenError) return replayed(err.existing, caller, createHash);
      if (err instanceof WriteConflictError) continue;
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

/**
 * Every sharee is new on a new note, so all are checked (one BatchGetItem). Only when some are unknown does the
 * replay question cost a read: a stored note with this id answers as the insert would have (the stored note, or
 * 409), so the outcome is the one of a replay recognised before the check. Otherwise the 400 names the unknown.
 */
async function replayOrKnownSharees(
  id: string,
  input: CreateNoteInput,
  fields: NoteFields,
  createHash: string,
  caller: Caller,
  deps: NotesDeps,
): Promise<CreateNoteResult | undefined> {
  if (fields.sharedWith.length === 0) return undefined;
  const unknown = await deps.users.unknownAmong(fields.sharedWith);
  if (unknown.length === 0) return undefined;
  const existing = input.id === undefined ? undefined : await deps.notes.getNote(id);
  if (existing) return replayed(existing, caller, createHash);
  throw unknownSharees(input.sharedWith ?? [], new Set(unknown));
}

function replayed(existing: NoteIdTakenError['existing'], caller: Caller, createHash: string): CreateNoteResult {
  if ('createHash' in existing && existing.ownerId === caller.userId && existing.createHash === createHash) {
    return { created: false, note: toNote(existing) };
  }
  throw new ConflictError('A note with this id already exists');
}
