// media.processed on the media-events topic (envelope in shared/src/domain-event.ts).
import { createEventPublisher } from '@photonotes/shared/sns';
import type { MediaEvents } from '../domain/ports';

export function mediaEventsTopic(topicArn: string): MediaEvents {
  const publisher = createEventPublisher({ topicArn, source: 'thumbnails' });
  return {
    mediaProcessed: (data, eventId) => publisher.publish('media.processed', data, { id: eventId }),
  };
}
