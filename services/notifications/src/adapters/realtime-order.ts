// The realtime fan-out's counters in the connections table (keys.ts): each user's seq (an atomic ADD) and, per user
// and note, the last change sent (a conditional put, so an older or repeated change loses).
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
    async advance(userId, noteId, position) {
      const deleted = position.change === 'deleted';
      // shared/src/contracts/note-events.ts `supersedes`: a higher version, or the deletion of the version last sent.
      const condition = deleted
        ? 'attribute_not_exists(pk) OR #version < :version OR (#version = :version AND #deleted = :false)'
        : 'attribute_not_exists(pk) OR #version < :version';
      try {
        await table.putItem(
          { ...keys.noteOrder(userId, noteId), entity: entities.noteOrder, version: position.version, deleted, expiresAt: Math.ceil(now() / 1000) + noteOrderTtlSeconds },
          { condition, names: { '#version': 'version', ...(deleted ? { '#deleted': 'deleted' } : {}) }, values: { ':version': position.version, ...(deleted ? { ':false': false } : {}) } },
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionFailedError) return false;
        throw err;
      }
    },
  };
}
