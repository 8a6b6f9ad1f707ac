// INTERIM, until the per-user seq fan-out (#18) is merged: thing.state to every connection of the user, side by side,
// WITHOUT `seq`. Replace its one use (the `fanout` of functions/thing-state-events.ts) with that module's sender; this
// file then goes. It numbers nothing on purpose: a second seq mechanism would disagree with the real one.
import type { ConnectionsGateway, ConnectionsStore } from './realtime';
import { deliver } from './realtime';
import type { UserFanout } from './thing-subscriptions';

export function unsequencedUserFanout(deps: { connections: ConnectionsStore; gateway: ConnectionsGateway }): UserFanout {
  return {
    async sendToUser(userId, message) {
      const connections = await deps.connections.listByUser(userId);
      const results = await Promise.allSettled(connections.map((connection) => deliver(connection.connectionId, message, deps)));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${connections.length} sends failed`);
    },
  };
}
