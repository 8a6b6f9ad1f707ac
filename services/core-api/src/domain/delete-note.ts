// DELETE /notes/{id}: owner only, If-Match as for PATCH. The id stays taken (a tombstone), so a replayed
// create from an offline device cannot bring the note back.
import { assertCanChange, assertVersion, keepsChanging, noteNotFound, parseNoteId, staleVersion } from './access';
import type { Caller, NotesDeps } from './deps';
import { NoteChangedError, WriteConflictError } from './ports';
import { writeAttempts } from './write-attempts';

export interface DeleteNoteRequest {
  id: string;
  expectedVersion: number | undefined;
}

export async function deleteNote(request: DeleteNoteRequest, caller: Caller, deps: NotesDeps): Promise<void> {
  const id = parseNoteId(request.id);
  for await (const _attempt of writeAttempts(deps.clock)) {
    const current = await deps.notes.getNote(id);
    assertCanChange(current, caller);
    assertVersion(current, request.expectedVersion);
    try {
      await deps.notes.removeNote(current, deps.clock.now().toISOString());
      deps.metrics.count('NotesDeleted');
      return;
    } catch (err) {
      if (err instanceof WriteConflictError) continue;
      if (!(err instanceof NoteChangedError)) throw err;
      if (request.expectedVersion === undefined) continue;
      if (!err.current) throw noteNotFound();
      throw staleVersion(err.current);
    }
  }
  throw keepsChanging();
}
