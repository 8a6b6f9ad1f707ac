// Share entries: a copy of the note per sharee (pk NOTE#<id>, sk SHARE#<userId>), listed in the sharee's gsi1
// partition, so "shared with me" is one Query. They are written in the note's own transaction.
import type { TableClient } from '@photonotes/shared/dynamodb';
import { toNote } from '../domain/note';
import type { Note, StoredNote } from '../domain/note';
import type { NotePage, PageRequest } from '../domain/ports';
import { keys, ownerIndex } from './keys';
import { accountItemsPerRun } from './note-feed';
import type { NotesTransaction } from './note-feed';
import { shareItem } from './note-items';

export function noteShares(table: TableClient) {
  return {
    /** Puts an entry for every sharee of `next` (refreshing its copy) and deletes those `previous` had and `next` has not. */
    write(tx: NotesTransaction, previous: StoredNote | undefined, next: StoredNote | undefined): void {
      const kept = new Set(next?.sharedWith ?? []);
      for (const userId of next?.sharedWith ?? []) tx.put(shareItem(next as StoredNote, userId));
      for (const userId of previous?.sharedWith ?? []) {
        if (!kept.has(userId)) tx.delete(keys.share((previous as StoredNote).id, userId));
      }
    },

    async listSharedNotes(userId: string, page: PageRequest): Promise<NotePage> {
      const result = await table.queryPage<{ note: Note }>({
        index: ownerIndex,
        keyCondition: 'gsi1pk = :pk',
        values: { ':pk': keys.sharedNotes(userId) },
        limit: page.limit,
        cursor: page.cursor,
        cursorScope: `notes:shared:${userId}`,
        scanForward: false,
      });
      return { items: result.items.map((item) => toNote(item.note)), nextCursor: result.nextCursor };
    },

    /** Ids of other owners' notes shared with the user. */
    async *sharedNoteIds(userId: string): AsyncGenerator<string> {
      const entries = table.queryAll<{ noteId: string }>({
        index: ownerIndex,
        keyCondition: 'gsi1pk = :pk',
        values: { ':pk': keys.sharedNotes(userId) },
        projection: 'noteId',
        maxItems: accountItemsPerRun,
      });
      for await (const entry of entries) yield String(entry.noteId);
    },
  };
}
