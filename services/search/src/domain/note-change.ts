// What a note stream record (shared/src/contracts/notes-stream.ts) means for the index: the note to index at its
// version, or the version that deleted it.
import type { NoteStreamChange } from '@photonotes/shared/contracts/notes-stream';
import type { NoteSnapshot } from './index-entry';

export type NoteChange = { kind: 'upsert'; note: NoteSnapshot } | { kind: 'delete'; noteId: string; version: number };

/** Undefined only for a record without the image its kind needs, which NEW_AND_OLD_IMAGES never sends. */
export function noteChangeFrom(change: NoteStreamChange): NoteChange | undefined {
  if (change.eventName === 'REMOVE') {
    const removed = change.oldImage;
    return removed && { kind: 'delete', noteId: removed.id, version: removed.version };
  }
  const note = change.newImage;
  if (!note) return undefined;
  const { id, ownerId, title, body, tags, visibility, sharedWith, version, updatedAt } = note;
  return { kind: 'upsert', note: { id, ownerId, title, body, tags, visibility, sharedWith, version, updatedAt } };
}
