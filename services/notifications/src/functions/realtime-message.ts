// $default of the realtime WebSocket: every client frame gets one answer frame (API.md "Realtime"), sent back as the
// route's response; a frame the server cannot use is an error frame, and the connection stays open. A subscription
// is answered after looking up whose the things are (thing-subscriptions.ts).
import { dependencies } from '@photonotes/shared/dependencies';
import type { Logger } from '@photonotes/shared/log';
import { websocket } from '@photonotes/shared/websocket';
import { thingOwnersStoreFromEnv, thingSubscriptionsStoreFromEnv } from '../adapters/dependencies';
import { answerFrame, frameError } from '../domain/realtime';
import { subscribeToThings } from '../domain/thing-subscriptions';
import type { ThingRealtimeDeps } from '../domain/thing-subscriptions';

export function realtimeMessageHandler(deps: Pick<ThingRealtimeDeps, 'owners' | 'subscriptions'>, options: { logger?: Logger } = {}) {
  return websocket({
    service: 'notifications',
    authenticate: false,
    errorFrame: (message) => JSON.stringify(frameError('INTERNAL', message)),
    ...options,
  }).handler(async ({ event, connectionId }) => {
    const answer = answerFrame(event);
    const reply = 'action' in answer ? await subscribeToThings(connectionId, answer, deps) : answer;
    return { statusCode: 200, body: JSON.stringify(reply) };
  });
}

export const handler = realtimeMessageHandler(dependencies({ owners: thingOwnersStoreFromEnv, subscriptions: thingSubscriptionsStoreFromEnv }));
