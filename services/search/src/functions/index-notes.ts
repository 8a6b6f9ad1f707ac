// The notes table's stream → the search index: creates, edits, shares, visibility changes and deletes
// (account deletion arrives as the REMOVE of each of the account's notes).
import { streamHandler } from '@photonotes/shared/events';
import type { Logger } from '@photonotes/shared/log';
import { searchIndexFromEnv } from '../adapters/dependencies';
import { applyNoteChange } from '../domain/apply-note-change';
import { noteChangeFrom } from '../domain/note-change';
import type { SearchIndex } from '../domain/ports';

/** `index` is resolved at the first record: the streams plugin may import the module before it sets the env. */
export function indexNotesHandler(index: () => SearchIndex, logger?: Logger) {
  return streamHandler({ service: 'search', ...(logger ? { logger } : {}) }, async (record, { log }) => {
    const outcome = noteChangeFrom(record);
    if (outcome.kind === 'ignore') return;
    if (outcome.kind === 'invalid') {
      // A retry cannot fix a malformed image; holding the shard for it would stall every later change.
      log.warn('Skipping a note stream record that does not match the note shape', { issues: outcome.issues });
      return;
    }
    const result = await applyNoteChange(outcome.change, { index: index() });
    const noteId = outcome.change.kind === 'upsert' ? outcome.change.note.id : outcome.change.noteId;
    log.debug('Applied a note change to the search index', { noteId, eventName: record.eventName, result });
  });
}

export const handler = indexNotesHandler(searchIndexFromEnv);
