// media.processed on the media-events topic (shared/src/contracts/media-events.ts).
import { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import { eventPublisher } from '@photonotes/shared/sns';
import type { MediaEvents } from '../domain/ports';

export function mediaEventsTopic(topicArn: string): MediaEvents {
  const publisher = eventPublisher(mediaProcessed, { topicArn });
  return {
    mediaProcessed: (data, eventId) => publisher.publish(data, { id: eventId }),
  };
}
