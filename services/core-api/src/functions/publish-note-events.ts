// The notes table's stream → note.changed on the note-events topic, one event per note version, and
// note.photoChanged on media-events when the version changed the note's photo. core-api owns the table and
// note-events; this is one of the stream's two readers (search is the other), so that every other consumer reads
// the topics instead (DynamoDB Streams serves about two readers per shard).
import { notesStream } from '@photonotes/shared/contracts/notes-stream';
import type { NoteImage } from '@photonotes/shared/contracts/notes-stream';
import { applied, streamConsumer } from '@photonotes/shared/consumers/dynamodb-stream';
import type { StreamRecord } from '@photonotes/shared/consumers/dynamodb-stream';
import type { Logger } from '@photonotes/shared/log';
import { noteEventsTopic } from '../adapters/note-events-topic';
import type { NoteEvents } from '../adapters/note-events-topic';
import { noteChangedFrom, notePhotoChangeFrom } from '../domain/note-events';

/**
 * The request that wrote the version, stored on the item. A deletion's record has only the old image, whose id is
 * the previous write's: its event starts a correlation of its own instead.
 */
const correlationOf = (record: StreamRecord<NoteImage>) => (record.eventName === 'REMOVE' ? undefined : record.newImage?.correlationId);

export function publishNoteEventsHandler(deps: () => { events: NoteEvents }, logger?: Logger) {
  // Events are independent and idempotent (one id per version; SNS does not keep order anyway): side by side.
  return streamConsumer(
    { service: 'core-api', contract: notesStream, deps, concurrency: 10, correlationOf, ...(logger ? { logger } : {}) },
    async (record, { deps: { events } }) => {
      const change = noteChangedFrom(record);
      // NEW_AND_OLD_IMAGES always has it: a record without it is broken, and fails rather than vanish.
      if (!change) throw new Error(`${record.eventName} record without the image it needs`);
      const options = record.approximateCreatedAt ? { occurredAt: record.approximateCreatedAt } : {};
      await events.noteChanged(change, options);
      // Which upload the note uses, for thumbnails (its originals that no note uses expire).
      const photo = notePhotoChangeFrom(record);
      if (photo) await events.notePhotoChanged(photo, options);
      return applied({ noteId: change.noteId, version: change.version, change: change.change, ...(photo ? { photoKey: photo.photoKey } : {}) });
    },
  );
}

export const handler = publishNoteEventsHandler(() => ({ events: noteEventsTopic() }));
