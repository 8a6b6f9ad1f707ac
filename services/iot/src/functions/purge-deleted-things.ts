// The things table's own stream → the telemetry purge: the REMOVE of a thing record (DELETE /things/{thingId}, or
// account deletion, whose user-events consumer purges too) deletes the thing's readings, rollups, series heads and
// whatever raced the removal. Idempotent: a repeat, or a purge of a thing account deletion already purged, finds
// less or nothing and deletes that. Every removal is announced first (thing.state `deleted`): this is the one place
// that sees them all, and its retries make the announcement as reliable as the purge.
import { thingsStream } from '@photonotes/shared/contracts/things-stream';
import { applied, ignored, streamConsumer } from '@photonotes/shared/consumers/dynamodb-stream';
import type { Logger } from '@photonotes/shared/log';
import { purgeDeps } from '../adapters/dependencies';
import type { IotDeps } from '../domain/deps';
import { purgeThingData } from '../domain/registry';
import { deletedPicture } from '../domain/thing-events';

/** Purges of different things are independent (each thing's record is removed once): side by side. */
export const purgeConcurrency = 5;

export function purgeDeletedThingsHandler(deps: () => Pick<IotDeps, 'things' | 'telemetry' | 'thingEvents'>, logger?: Logger) {
  return streamConsumer(
    { service: 'iot', contract: thingsStream, deps, concurrency: purgeConcurrency, ...(logger ? { logger } : {}) },
    async (record, { deps: purge }) => {
      // The event source mapping passes only REMOVEs (filterPatterns); anything else has nothing to purge.
      if (record.eventName !== 'REMOVE') return ignored(`${record.eventName} of a thing record`);
      // KEYS_ONLY: a REMOVE always carries the key, read as its old image; a record without it is broken.
      const thingId = record.oldImage?.thingId;
      if (thingId === undefined) throw new Error('REMOVE record without the key it needs');
      await purge.thingEvents.state(deletedPicture(thingId));
      const items = await purgeThingData(thingId, purge);
      return applied({ thingId, items });
    },
  );
}

export const handler = purgeDeletedThingsHandler(purgeDeps);
