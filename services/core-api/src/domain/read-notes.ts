// GET /notes/{id}, GET /notes (own or shared, newest first) and GET /sync. Only GET /notes/{id} shows a note to
// someone outside it (a public note's reader); the lists and the feed hold the caller's own notes or ones shared with them.
import { assertCanView, parseNoteId } from './access';
import type { Caller, NotesDeps } from './deps';
import { viewOf } from './note';
import type { Note } from './note';
import type { ListNotesInput } from './note-input';
import type { ChangePage, NotePage, SyncScope } from './ports';

/** The most changes one /sync page carries (API.md). */
export const syncPageSize = 500;

export async function getNote(rawId: string, caller: Caller, deps: NotesDeps): Promise<Note> {
  const note = await deps.notes.getNote(parseNoteId(rawId));
  assertCanView(note, caller);
  return viewOf(note, caller.userId);
}

export async function listNotes(input: ListNotesInput, caller: Caller, deps: NotesDeps): Promise<NotePage> {
  const page = { limit: input.limit, cursor: input.cursor };
  return input.scope === 'shared' ? deps.notes.listSharedNotes(caller.userId, page) : deps.notes.listOwnNotes(caller.userId, page);
}

export interface SyncInput {
  scope: SyncScope;
  cursor?: string | undefined;
}

/** `own` (the default), `shared` or `all`: domain/shared-feed.ts says how the shared feed is kept and merged. */
export async function syncChanges(input: SyncInput, caller: Caller, deps: NotesDeps): Promise<ChangePage> {
  return deps.notes.changesSince(caller.userId, input.scope, input.cursor, syncPageSize);
}
