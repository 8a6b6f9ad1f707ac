// note.changed on the note-events topic (shared/src/contracts/note-events.ts), and note.photoChanged on thumbnails'
// media-events topic (shared/src/contracts/media-events.ts).
import { notePhotoChanged, notePhotoChangedEventId } from '@photonotes/shared/contracts/media-events';
import { noteChanged, noteChangedEventId } from '@photonotes/shared/contracts/note-events';
import { requireEnv } from '@photonotes/shared/env';
import { eventPublisher } from '@photonotes/shared/sns';
import type { PublishOptions, SnsSender } from '@photonotes/shared/sns';
import type { NoteChangedPayload, NotePhotoChangedPayload } from '../domain/note-events';

export interface NoteEvents {
  noteChanged(change: NoteChangedPayload, options?: Pick<PublishOptions, 'correlationId' | 'occurredAt'>): Promise<void>;
  notePhotoChanged(change: NotePhotoChangedPayload, options?: Pick<PublishOptions, 'correlationId' | 'occurredAt'>): Promise<void>;
}

/** The media-events topic is read from MEDIA_EVENTS_TOPIC_ARN when first needed, unless given. */
export function noteEventsTopic(topicArn = requireEnv('NOTE_EVENTS_TOPIC_ARN'), client?: SnsSender, mediaEventsTopicArn?: string): NoteEvents {
  const publisher = eventPublisher(noteChanged, { topicArn, ...(client ? { client } : {}) });
  let photoPublisher: ReturnType<typeof eventPublisher<typeof notePhotoChanged>> | undefined;
  return {
    async noteChanged(change, options = {}) {
      // One id per note version: a stream record delivered twice republishes a repeat consumers recognise.
      await publisher.publish(change, { ...options, id: noteChangedEventId(change) });
    },
    async notePhotoChanged(change, options = {}) {
      photoPublisher ??= eventPublisher(notePhotoChanged, { topicArn: mediaEventsTopicArn ?? requireEnv('MEDIA_EVENTS_TOPIC_ARN'), ...(client ? { client } : {}) });
      await photoPublisher.publish(change, { ...options, id: notePhotoChangedEventId(change) });
    },
  };
}
