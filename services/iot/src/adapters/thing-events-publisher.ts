// thing.state and thing.telemetry on the thing-events topic (shared/src/contracts/thing-events.ts), with ids that
// name what they describe, so a republished picture or message is a recognisable repeat.
import { thingState, thingStateEventId, thingTelemetry, thingTelemetryEventId } from '@photonotes/shared/contracts/thing-events';
import { eventPublisher } from '@photonotes/shared/sns';
import type { ThingEventsPublisher } from '../domain/ports';

export function thingEventsPublisher(topicArn: string): ThingEventsPublisher {
  const states = eventPublisher(thingState, { topicArn });
  const readings = eventPublisher(thingTelemetry, { topicArn });
  return {
    async state(data) {
      await states.publish(data, { id: thingStateEventId(data) });
    },
    async telemetry(data) {
      await readings.publish(data, { id: thingTelemetryEventId(data) });
    },
  };
}
