// In-memory thing-owners projection and thing subscriptions, with the DynamoDB adapters' conditions: a deletion is
// final, a lower revision is stale, the same one applies again; a subscription replaces the connection's last one and
// fails when the connection's record is gone.
import type { ProjectionOutcome, Subscriber, SubscribingConnection, ThingOwner, ThingOwnersStore, ThingSubscriptionsStore } from '../../../src/domain/thing-subscriptions';
import type { ThingStateMessage } from '../../../src/domain/thing-messages';

export class FakeThingOwners implements ThingOwnersStore {
  readonly items = new Map<string, ThingOwner & { expiresAt?: number }>();

  async get(thingId: string) {
    const item = this.items.get(thingId);
    return item ? { thingId, ownerId: item.ownerId, revision: item.revision, deleted: item.deleted } : undefined;
  }

  async record(thingId: string, ownerId: string, revision: number): Promise<ProjectionOutcome> {
    const item = this.items.get(thingId);
    if (item && (item.deleted || item.revision > revision)) return 'stale';
    this.items.set(thingId, { thingId, ownerId, revision, deleted: false });
    return 'applied';
  }

  async markDeleted(thingId: string, expiresAt: number) {
    const item = this.items.get(thingId);
    this.items.set(thingId, { thingId, ownerId: item?.ownerId ?? null, revision: item?.revision ?? -1, deleted: true, expiresAt });
  }
}

export class FakeThingSubscriptions implements ThingSubscriptionsStore {
  /** Connection records as $connect writes them (userId, expiresAt), with their `things`. */
  readonly connections = new Map<string, SubscribingConnection>();
  /** `${thingId}/${connectionId}` → subscriber. */
  readonly items = new Map<string, Subscriber & { thingId: string; expiresAt: number }>();

  open(connectionId: string, userId: string, expiresAt = 2_000_000_000) {
    this.connections.set(connectionId, { userId, expiresAt, things: [] });
  }

  async connection(connectionId: string) {
    const found = this.connections.get(connectionId);
    return found ? { ...found, things: [...found.things] } : undefined;
  }

  async replace(connectionId: string, connection: SubscribingConnection, things: string[]) {
    const current = this.connections.get(connectionId);
    if (!current) return false;
    for (const thingId of connection.things) this.items.delete(`${thingId}/${connectionId}`);
    for (const thingId of things) this.items.set(`${thingId}/${connectionId}`, { thingId, connectionId, userId: connection.userId, expiresAt: connection.expiresAt });
    current.things = [...things];
    return true;
  }

  async subscribers(thingId: string) {
    return [...this.items.values()].filter((item) => item.thingId === thingId).map(({ connectionId, userId }) => ({ connectionId, userId }));
  }

  async remove(thingId: string, connectionId: string) {
    this.items.delete(`${thingId}/${connectionId}`);
  }

  subscribedThings(connectionId: string): string[] {
    return [...this.items.values()].filter((item) => item.connectionId === connectionId).map((item) => item.thingId);
  }
}

/** Records what thing.state would hand the per-user seq fan-out. */
export class RecordingFanout {
  readonly sent: Array<{ userId: string; message: ThingStateMessage }> = [];
  failures = 0;

  async sendToUser(userId: string, message: ThingStateMessage, _log: unknown) {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('fan-out failed');
    }
    this.sent.push({ userId, message: structuredClone(message) });
  }
}
