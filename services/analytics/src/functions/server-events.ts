// The other services' topics → server.* analytics events (domain/server-events.ts), one function per topic.
import { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import { noteChanged } from '@photonotes/shared/contracts/note-events';
import { thingAlert } from '@photonotes/shared/contracts/thing-events';
import { userSignedUp as signedUpContract } from '@photonotes/shared/contracts/user-events';
import { applied, ignored, snsConsumer } from '@photonotes/shared/consumers/sns';
import { dependencies } from '@photonotes/shared/dependencies';
import { actorKeysFromEnv, eventBufferFromEnv, newBatchId } from '../adapters/dependencies';
import type { ServerEvents } from '../domain/server-events';
import { mediaEvents as mediaEventsOf, noteEvents as noteEventsOf, recordServerEvents, signedUpEvents, thingEvents as thingEventsOf } from '../domain/server-events';

const deps = () => dependencies({ actorKeys: actorKeysFromEnv, buffer: eventBufferFromEnv, newBatchId: () => newBatchId });

async function record(events: ServerEvents, recordDeps: ReturnType<typeof deps>) {
  const recorded = await recordServerEvents(events, new Date(), recordDeps);
  return recorded === 0 ? ignored('nothing to record') : applied({ types: events.events.map((event) => event.type) });
}

export const userSignedUp = snsConsumer({ service: 'analytics', contract: signedUpContract, deps }, (event, ctx) => record(signedUpEvents(event), ctx.deps));
export const noteEvents = snsConsumer({ service: 'analytics', contract: noteChanged, deps }, (event, ctx) => record(noteEventsOf(event), ctx.deps));
export const mediaEvents = snsConsumer({ service: 'analytics', contract: mediaProcessed, deps }, (event, ctx) => record(mediaEventsOf(event), ctx.deps));
export const thingEvents = snsConsumer({ service: 'analytics', contract: thingAlert, deps }, (event, ctx) => record(thingEventsOf(event), ctx.deps));
