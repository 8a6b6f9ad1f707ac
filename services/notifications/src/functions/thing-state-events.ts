// thing-events topic: thing.state keeps the thing → owner projection (created, updated, deleted; repeats and late
// arrivals change nothing) and sends the owner's connections the thing's picture.
import { systemClock } from '@photonotes/shared/clock';
import { thingState } from '@photonotes/shared/contracts/thing-events';
import { applied, ignored, snsConsumer } from '@photonotes/shared/consumers/sns';
import { dependencies } from '@photonotes/shared/dependencies';
import { connectionsGatewayFromEnv, connectionsStoreFromEnv, thingOwnersStoreFromEnv } from '../adapters/dependencies';
import { unsequencedUserFanout } from '../domain/interim-user-fanout';
import { applyThingState } from '../domain/thing-subscriptions';

const deps = () =>
  dependencies({
    owners: thingOwnersStoreFromEnv,
    clock: () => systemClock,
    // The per-user seq fan-out (#18) plugs in here, in place of the interim sender without seq.
    fanout: () => unsequencedUserFanout({ connections: connectionsStoreFromEnv(), gateway: connectionsGatewayFromEnv() }),
  });

export const handler = snsConsumer({ service: 'notifications', contract: thingState, deps }, async (event, ctx) => {
  const outcome = await applyThingState(event, ctx.deps);
  if (outcome.status === 'stale') return ignored('a newer picture of the thing was applied, or it was deleted');
  return applied({ thingId: event.data.thingId, ...outcome });
});
