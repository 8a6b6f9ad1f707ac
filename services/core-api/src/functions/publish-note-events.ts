// The notes table's stream → note.changed on the note-events topic, one event per note version, and
// note.photoChanged on media-events when the version changed the note's photo. core-api owns the table and
// note-events; this is one of the stream's two readers (search is the other), so that every other consumer reads
// the topics instead (DynamoDB Streams serves about two readers per shard).
import { notesStream } from '@photonotes/shared/contracts/notes-stream';
import type { NoteImage } from '@photonotes/shared/contracts/notes-stream';
import { applied, streamConsumer } from '@photonotes/shared/consumers/dynamodb-stream';
import type { StreamRecord } from '@photonotes/shared/consumers/dynamodb-stream';
import { systemClock } from '@photonotes/shared/clock';
import type { Clock } from '@photonotes/shared/clock';
import type { Logger } from '@photonotes/shared/log';
import { sharedFeedFromEnv } from '../adapters/dependencies';
import { noteEventsTopic } from '../adapters/note-events-topic';
import type { NoteEvents } from '../adapters/note-events-topic';
import { noteChangedFrom, notePhotoChangeFrom } from '../domain/note-events';
import { feedSharees } from '../domain/shared-feed';
import type { SharedFeedWriter } from '../domain/shared-feed';

/**
 * The request that wrote the version, stored on the item. A deletion's record has only the old image, whose id is
 * the previous write's: its event starts a correlation of its own instead.
 */
const correlationOf = (record: StreamRecord<NoteImage>) => (record.eventName === 'REMOVE' ? undefined : record.newImage?.correlationId);

export interface PublishNoteEventsDeps {
  events: NoteEvents;
  sharedFeed: SharedFeedWriter;
  clock: Clock;
}

export function publishNoteEventsHandler(deps: () => PublishNoteEventsDeps, logger?: Logger) {
  // Events are independent and idempotent (one id per version; SNS does not keep order anyway), and so are shared
  // feed entries (each written only when it supersedes what the feed shows of the note): side by side.
  return streamConsumer(
    { service: 'core-api', contract: notesStream, deps, concurrency: 10, correlationOf, ...(logger ? { logger } : {}) },
    async (record, { deps: { events, sharedFeed, clock } }) => {
      const change = noteChangedFrom(record);
      // NEW_AND_OLD_IMAGES always has it: a record without it is broken, and fails rather than vanish.
      if (!change) throw new Error(`${record.eventName} record without the image it needs`);
      const options = record.approximateCreatedAt ? { occurredAt: record.approximateCreatedAt } : {};
      // A deletion's time: when it was written (the record's), else now.
      const shared = await feedSharees(record, record.approximateCreatedAt ?? clock.now().toISOString(), sharedFeed, clock);
      await events.noteChanged(change, options);
      // Which upload the note uses, for thumbnails (its originals that no note uses expire).
      const photo = notePhotoChangeFrom(record);
      if (photo) await events.notePhotoChanged(photo, options);
      return applied({ noteId: change.noteId, version: change.version, change: change.change, sharedFeeds: shared, ...(photo ? { photoKey: photo.photoKey } : {}) });
    },
  );
}

export const handler = publishNoteEventsHandler(() => ({ events: noteEventsTopic(), sharedFeed: sharedFeedFromEnv(), clock: systemClock }));
