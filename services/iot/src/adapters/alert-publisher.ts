// thing.alert on the thing-events topic (shared/src/contracts/thing-events.ts): the firing's id is the event
// id, so a republished firing is delivered to the owner once.
import { thingAlert } from '@photonotes/shared/contracts/thing-events';
import { eventPublisher } from '@photonotes/shared/sns';
import type { AlertPublisher } from '../domain/ports';

export function thingEventsTopic(topicArn: string): AlertPublisher {
  const publisher = eventPublisher(thingAlert, { topicArn });
  return {
    async publish(fired) {
      await publisher.publish(fired.alert, { id: fired.id });
    },
  };
}
