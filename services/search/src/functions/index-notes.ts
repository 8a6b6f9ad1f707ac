// The notes table's stream → the search index: creates, edits, shares, visibility changes and deletes
// (account deletion arrives as the REMOVE of each of the account's notes).
import { notesStream } from '@photonotes/shared/contracts/notes-stream';
import { applied, ignored, streamConsumer } from '@photonotes/shared/consumers/dynamodb-stream';
import type { Logger } from '@photonotes/shared/log';
import { searchIndexFromEnv } from '../adapters/dependencies';
import { applyNoteChange } from '../domain/apply-note-change';
import { noteChangeFrom } from '../domain/note-change';
import type { SearchIndex } from '../domain/ports';

/**
 * Every note of a batch is indexed side by side (a batch holds at most 50 records: serverless.yml's batchSize), so a
 * long note does not hold up the short ones after it, and the notes' record reads and entry writes start in the same
 * turn and go out together (adapters/coalesce.ts): a batch of 50 new notes costs one BatchGetItem, a few full
 * BatchWriteItem requests and 50 conditional PutItems, sent at once, not 150 requests four notes at a time. The
 * records of one note stay in stream order. A failed record holds back its note's later records and is reported:
 * Lambda delivers it and every later record again (the other notes' records then repeat, which changes nothing).
 */
export const notesAtOnce = 50;

export function indexNotesHandler(index: () => SearchIndex, logger?: Logger) {
  return streamConsumer(
    {
      service: 'search',
      contract: notesStream,
      deps: () => ({ index: index() }),
      concurrency: notesAtOnce,
      inOrderPerItem: true,
      // The request that wrote the version (stored on the item), on the record's log lines. A deletion's record has
      // only the old image, whose id is the previous write's, so it names none.
      correlationOf: (record) => (record.eventName === 'REMOVE' ? undefined : record.newImage?.correlationId),
      ...(logger ? { logger } : {}),
    },
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
