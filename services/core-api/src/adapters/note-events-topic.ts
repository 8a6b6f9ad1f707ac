// note.changed on the note-events topic (shared/src/contracts/note-events.ts).
import { noteChanged, noteChangedEventId } from '@photonotes/shared/contracts/note-events';
import { requireEnv } from '@photonotes/shared/env';
import { eventPublisher } from '@photonotes/shared/sns';
import type { PublishOptions, SnsSender } from '@photonotes/shared/sns';
import type { NoteChangedPayload } from '../domain/note-events';

export interface NoteEvents {
  noteChanged(change: NoteChangedPayload, options?: Pick<PublishOptions, 'correlationId' | 'occurredAt'>): Promise<void>;
}

export function noteEventsTopic(topicArn = requireEnv('NOTE_EVENTS_TOPIC_ARN'), client?: SnsSender): NoteEvents {
  const publisher = eventPublisher(noteChanged, { topicArn, ...(client ? { client } : {}) });
  return {
    async noteChanged(change, options = {}) {
      // One id per note version: a stream record delivered twice republishes a repeat consumers recognise.
      await publisher.publish(change, { ...options, id: noteChangedEventId(change) });
    },
  };
}
