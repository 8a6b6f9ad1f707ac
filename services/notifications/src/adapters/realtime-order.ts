// The realtime fan-out's counters in the connections table (keys.ts): each user's seq (an atomic ADD) and, per user
// and note, the last change sent and whether it is still being sent (a conditional put, so an older or repeated
// change loses, and a newer one waits for the older one's send).
import { supersedes } from '@photonotes/shared/contracts/note-events';
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { NoteOrderStore, SequenceStore } from '../domain/realtime-fanout';
import { maxConnectionMs, recordMarginMs } from '../domain/realtime';
import { entities, keys } from './keys';

export interface RealtimeOrderOptions {
  tableName: string;
  client?: DocumentSender;
  now?: () => number;
}

/**
 * A user's counter lives while it is used, and a while after: an app keeps the last seq it saw only for the life of
 * its connection, so a counter that expired and starts again at 1 is a gap to it, which /sync fills.
 */
const sequenceTtlSeconds = 30 * 24 * 3600;
/** A note position matters while a connection that was sent it can still be open (at most 2 hours). */
const noteOrderTtlSeconds = Math.ceil((maxConnectionMs + recordMarginMs) / 1000);

export function realtimeSequences({ tableName, client, now = Date.now }: RealtimeOrderOptions): SequenceStore {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  return {
    async next(userId) {
      const item = await table.updateItem<{ seq: number }>({
        key: keys.sequence(userId),
        update: 'ADD #seq :one SET entity = :entity, expiresAt = :expiresAt',
        names: { '#seq': 'seq' },
        values: { ':one': 1, ':entity': entities.sequence, ':expiresAt': Math.ceil(now() / 1000) + sequenceTtlSeconds },
      });
      return item.seq;
    },
    async forget(userId) {
      await table.deleteItem(keys.sequence(userId));
    },
  };
}

export function noteOrder({ tableName, client, now = Date.now }: RealtimeOrderOptions): NoteOrderStore {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  return {
    async claim(userId, noteId, position, lease) {
      const deleted = position.change === 'deleted';
      // shared/src/contracts/note-events.ts `supersedes`: a higher version, or the deletion of the version last sent;
      // and no claim of an older position still being sent (none, released, or its lease run out).
      const newer = deleted ? '(#version < :version OR (#version = :version AND #deleted = :false))' : '#version < :version';
      try {
        await table.putItem(
          { ...keys.noteOrder(userId, noteId), entity: entities.noteOrder, version: position.version, deleted, sendingUntil: lease.now + lease.leaseMs, expiresAt: Math.ceil(now() / 1000) + noteOrderTtlSeconds },
          {
            condition: `attribute_not_exists(pk) OR (${newer} AND (attribute_not_exists(#until) OR #until <= :now))`,
            names: { '#version': 'version', '#until': 'sendingUntil', ...(deleted ? { '#deleted': 'deleted' } : {}) },
            values: { ':version': position.version, ':now': lease.now, ...(deleted ? { ':false': false } : {}) },
          },
        );
        return 'claimed';
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        // The stored position tells which condition failed: not newer (stale), or an older one being sent (busy).
        const stored = err.failures[0]?.item as { version?: number; deleted?: boolean } | undefined;
        if (stored?.version === undefined) return 'busy';
        return supersedes(position, { version: stored.version, change: stored.deleted ? 'deleted' : 'updated' }) ? 'busy' : 'stale';
      }
    },
    async release(userId, noteId, position) {
      try {
        await table.updateItem({
          key: keys.noteOrder(userId, noteId),
          update: 'REMOVE #until',
          condition: '#version = :version AND #deleted = :deleted',
          names: { '#until': 'sendingUntil', '#version': 'version', '#deleted': 'deleted' },
          values: { ':version': position.version, ':deleted': position.change === 'deleted' },
        });
      } catch (err) {
        if (err instanceof ConditionFailedError) return;
        throw err;
      }
    },
  };
}
