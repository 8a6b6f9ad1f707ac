// thing-events topic: thing.state keeps the thing → owner projection (created, updated, deleted; repeats and late
// arrivals change nothing) and sends the owner's connections the thing's picture, with the user's seq (the realtime
// fan-out). Sending is best effort there: a connection that fails is logged and skipped, not retried.
import { systemClock } from '@photonotes/shared/clock';
import { thingState } from '@photonotes/shared/contracts/thing-events';
import { applied, ignored, snsConsumer } from '@photonotes/shared/consumers/sns';
import { dependencies } from '@photonotes/shared/dependencies';
import { realtimeFanoutFromEnv, thingOwnersStoreFromEnv } from '../adapters/dependencies';
import type { UserFanout } from '../domain/thing-subscriptions';
import { applyThingState } from '../domain/thing-subscriptions';

function sequencedFanout(): UserFanout {
  const realtime = realtimeFanoutFromEnv();
  return {
    async sendToUser(userId, message, log) {
      await realtime.sendToUsers([userId], message, { seq: true, log });
    },
  };
}

const deps = () => dependencies({ owners: thingOwnersStoreFromEnv, clock: () => systemClock, fanout: sequencedFanout });

export const handler = snsConsumer({ service: 'notifications', contract: thingState, deps }, async (event, ctx) => {
  const outcome = await applyThingState(event, ctx.deps, ctx.log);
  if (outcome.status === 'stale') return ignored('a newer picture of the thing was applied, or it was deleted');
  return applied({ thingId: event.data.thingId, ...outcome });
});
