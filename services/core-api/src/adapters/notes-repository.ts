// The notes table behind the domain's NotesRepository, assembled from its parts: note items and their
// mapping (note-items.ts), the change feed (note-feed.ts), share entries (note-shares.ts), upload records
// (note-photos.ts), the transactional writes that tie them together (note-writes.ts), and the feeds GET /sync
// reads (sync-reader.ts over note-feed.ts and shared-feed.ts).
import { systemClock } from '@photonotes/shared/clock';
import type { Clock } from '@photonotes/shared/clock';
import { tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { toNote } from '../domain/note';
import type { NotesRepository } from '../domain/ports';
import { keys, ownerIndex } from './keys';
import { changeFeed } from './note-feed';
import { fromNoteItem } from './note-items';
import type { NoteItem } from './note-items';
import { notePhotos } from './note-photos';
import { noteShares } from './note-shares';
import { noteWrites } from './note-writes';
import { sharedFeed } from './shared-feed';
import { syncReader } from './sync-reader';

export interface NotesRepositoryOptions {
  tableName: string;
  /** Defaults to the shared document client. */
  client?: DocumentSender;
  /** Tests give writers clocks that disagree. */
  clock?: Clock;
}

export function notesRepository({ tableName, client, clock = systemClock }: NotesRepositoryOptions): NotesRepository {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  const feed = changeFeed(table, clock);
  const shares = noteShares(table);
  const photos = notePhotos(table, clock);
  const shared = sharedFeed(table, clock);

  async function getNote(id: string) {
    const item = await table.getItem<NoteItem>(keys.note(id), { consistentRead: true });
    return item ? fromNoteItem(item) : undefined;
  }

  return {
    getNote,
    ...noteWrites({ table, feed, shares, photos, clock, getNote }),

    async listOwnNotes(ownerId, page) {
      const result = await table.queryPage<NoteItem>({
        index: ownerIndex,
        keyCondition: 'gsi1pk = :pk',
        values: { ':pk': keys.ownNotes(ownerId) },
        limit: page.limit,
        cursor: page.cursor,
        cursorScope: `notes:own:${ownerId}`,
        scanForward: false,
      });
      return { items: result.items.map((item) => toNote(fromNoteItem(item))), nextCursor: result.nextCursor };
    },

    listSharedNotes: shares.listSharedNotes,
    changesSince: syncReader(feed, shared),
    recordProcessedMedia: photos.recordProcessed,
    ownNoteIds: feed.ownNoteIds,
    sharedNoteIds: shares.sharedNoteIds,

    async purgeAccount(ownerId) {
      await feed.purge(ownerId);
      await shared.purge(ownerId);
      await photos.purge(ownerId);
    },
  };
}
