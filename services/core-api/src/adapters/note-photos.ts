// Upload records (pk MEDIA#<key>): the processing state thumbnails reported for an upload, and the notes
// that use it. A note's write links or unlinks its photo in the note's own transaction, conditional on the
// upload's state being the one the note's photo was computed from.
import type { Clock } from '@photonotes/shared/clock';
import type { AttributeMap, TableClient } from '@photonotes/shared/dynamodb';
import type { ProcessedMedia, StoredNote } from '../domain/note';
import type { PhotoLink } from '../domain/ports';
import { entities, keys, ownerIndex } from './keys';
import { accountItemsPerRun } from './note-feed';
import type { NotesTransaction } from './note-feed';
import type { MediaItem } from './note-items';

export function notePhotos(table: TableClient, clock: Clock) {
  return {
    link(tx: NotesTransaction, link: PhotoLink, note: StoredNote): void {
      const { processed } = link;
      tx.update(keys.media(link.key), 'SET entity = :mediaEntity, mediaKey = :mediaKey, ownerId = :owner, gsi1pk = :uploads, gsi1sk = :mediaKey ADD noteIds :noteIds', {
        tag: 'media',
        // The write is valid only while the upload is in the state the note's photo was computed from.
        condition: processed ? 'processedStatus = :processedStatus' : 'attribute_not_exists(processedStatus)',
        values: {
          ':mediaEntity': entities.media,
          ':mediaKey': link.key,
          ':owner': note.ownerId,
          ':uploads': keys.uploads(note.ownerId),
          ':noteIds': new Set([note.id]),
          ...(processed ? { ':processedStatus': processed.status } : {}),
        },
      });
    },

    unlink(tx: NotesTransaction, key: string, noteId: string): void {
      tx.update(keys.media(key), 'DELETE noteIds :noteIds', { values: { ':noteIds': new Set([noteId]) } });
    },

    /** Stores the processed state of an upload; returns the ids of the notes that reference it. */
    async recordProcessed(media: ProcessedMedia): Promise<string[]> {
      const owner = media.ownerId === undefined ? {} : { ':owner': media.ownerId, ':uploads': keys.uploads(media.ownerId) };
      const out = await table.updateItem<MediaItem>({
        key: keys.media(media.key),
        update: `SET entity = :mediaEntity, mediaKey = :mediaKey, processedStatus = :status, thumbnails = :thumbnails, processedAt = :at${
          media.ownerId === undefined ? '' : ', ownerId = :owner, gsi1pk = :uploads, gsi1sk = :mediaKey'
        }`,
        values: {
          ':mediaEntity': entities.media,
          ':mediaKey': media.key,
          ':status': media.status,
          ':thumbnails': media.thumbnails,
          ':at': clock.now().toISOString(),
          ...owner,
        },
      });
      return [...(out.noteIds ?? [])];
    },

    /**
     * Deletes the owner's upload records, but not one a note still links (a note that raced the account's deletion):
     * the second sweep removes that note, which unlinks it, and then deletes it.
     */
    async purge(ownerId: string): Promise<void> {
      const uploads = table.queryAll<{ pk: string; sk: string; noteIds?: Set<string> }>({
        index: ownerIndex,
        keyCondition: 'gsi1pk = :pk',
        values: { ':pk': keys.uploads(ownerId) },
        projection: 'pk, sk, noteIds',
        maxItems: accountItemsPerRun,
      });
      await table.deleteAll(unlinkedKeysOf(uploads));
    },
  };
}

async function* unlinkedKeysOf(items: AsyncIterable<{ pk: string; sk: string; noteIds?: Set<string> }>): AsyncGenerator<AttributeMap> {
  for await (const item of items) if (!item.noteIds || item.noteIds.size === 0) yield { pk: item.pk, sk: item.sk };
}
