// thing-events topic: thing.telemetry to the connections of the thing's owner that subscribed to it. Best effort
// (API.md "Realtime"): a connection that fails is logged, the others are not held up and nothing is retried.
import { thingTelemetry } from '@photonotes/shared/contracts/thing-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { dependencies } from '@photonotes/shared/dependencies';
import { connectionsGatewayFromEnv, connectionsStoreFromEnv, thingSubscriptionsStoreFromEnv } from '../adapters/dependencies';
import { streamTelemetry } from '../domain/thing-subscriptions';

const deps = () => dependencies({ subscriptions: thingSubscriptionsStoreFromEnv, connections: connectionsStoreFromEnv, gateway: connectionsGatewayFromEnv });

export const handler = snsConsumer({ service: 'notifications', contract: thingTelemetry, deps }, async (event, { deps: stream, log }) => {
  const { failed, ...counts } = await streamTelemetry(event.data, stream);
  if (failed.length > 0) log.warn('thing.telemetry not sent to some connections', { thingId: event.data.thingId, failed: failed.length, err: failed[0] });
  return applied({ thingId: event.data.thingId, ...counts, failed: failed.length });
});
