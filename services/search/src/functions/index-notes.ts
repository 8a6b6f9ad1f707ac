// The notes table's stream → the search index: creates, edits, shares, visibility changes and deletes
// (account deletion arrives as the REMOVE of each of the account's notes).
import { notesStream } from '@photonotes/shared/contracts/notes-stream';
import { applied, ignored, streamConsumer } from '@photonotes/shared/consumers/dynamodb-stream';
import type { Logger } from '@photonotes/shared/log';
import { searchIndexFromEnv } from '../adapters/dependencies';
import { applyNoteChange } from '../domain/apply-note-change';
import { noteChangeFrom } from '../domain/note-change';
import type { SearchIndex } from '../domain/ports';

/** In stream order: a failed record stops the batch, and Lambda delivers it and every later one again. */
export function indexNotesHandler(index: () => SearchIndex, logger?: Logger) {
  return streamConsumer(
    { service: 'search', contract: notesStream, deps: () => ({ index: index() }), ...(logger ? { logger } : {}) },
    async (record, { deps }) => {
      const change = noteChangeFrom(record);
      if (!change) throw new Error(`${record.eventName} record without the image it needs`);
      const noteId = change.kind === 'upsert' ? change.note.id : change.noteId;
      const result = await applyNoteChange(change, deps);
      // A repeat, or a version older than the one indexed (records of one note can arrive out of order).
      if (result === 'duplicate' || result === 'stale') return ignored(`${result} version of note ${noteId}`);
      return applied({ noteId, result });
    },
  );
}

export const handler = indexNotesHandler(searchIndexFromEnv);
