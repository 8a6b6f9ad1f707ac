// The notes table's items as stored (keys and layout: keys.ts) and their mapping to the domain's types.
import type { NoteItemImage } from '@photonotes/shared/contracts/notes-stream';
import { correlationId } from '@photonotes/shared/correlation';
import type { AttributeMap } from '@photonotes/shared/dynamodb';
import { toNote } from '../domain/note';
import type { Note, ProcessedMedia, StoredNote } from '../domain/note';
import type { Change } from '../domain/ports';
import { entities, keys } from './keys';

export interface NoteItem extends StoredNote {
  pk: string;
  sk: string;
}

export interface MediaItem {
  mediaKey: string;
  processedStatus?: 'ready' | 'failed';
  thumbnails?: ProcessedMedia['thumbnails'];
  noteIds?: Set<string>;
}

export interface ChangeItem {
  seq: number;
  op: 'upsert' | 'delete';
  noteId: string;
  note?: Note;
  deletedAt?: string;
}

/** The note as stored, listed in its owner's gsi1 partition, with the sequence number of its feed entry. */
export function noteItem(note: StoredNote, seq: number) {
  // What search and the note-events publisher read from the stream: the compiler holds it to their contract.
  const image = { entity: entities.note, ...toNote(note), ...correlation() } satisfies NoteItemImage;
  return {
    ...keys.note(note.id),
    gsi1pk: keys.ownNotes(note.ownerId),
    gsi1sk: keys.newestFirst(note),
    ...image,
    createHash: note.createHash,
    changeSeq: seq,
  };
}

/** The request (or event) this write serves, stored on the note so the note.changed it leads to names it. */
function correlation(): { correlationId?: string } {
  const id = correlationId();
  return id === undefined ? {} : { correlationId: id };
}

/** A copy of the note under one sharee's gsi1 partition, so their shared list is one Query. */
export function shareItem(note: StoredNote, userId: string) {
  return {
    ...keys.share(note.id, userId),
    entity: entities.share,
    gsi1pk: keys.sharedNotes(userId),
    gsi1sk: keys.newestFirst(note),
    noteId: note.id,
    ownerId: note.ownerId,
    userId,
    note: toNote(note),
  };
}

export function fromNoteItem(item: NoteItem | AttributeMap): StoredNote {
  const stored = item as NoteItem;
  const note: StoredNote = { ...toNote(stored), createHash: String(stored.createHash ?? '') };
  if (typeof stored.changeSeq === 'number') note.changeSeq = stored.changeSeq;
  return note;
}

export function fromMediaItem(item: AttributeMap | undefined): ProcessedMedia | null {
  const media = item as MediaItem | undefined;
  if (!media?.processedStatus) return null;
  return { key: media.mediaKey, status: media.processedStatus, thumbnails: media.thumbnails ?? null };
}

export function toChange(item: ChangeItem): Change {
  if (item.op === 'delete') return { op: 'delete', id: item.noteId, deletedAt: String(item.deletedAt) };
  return { op: 'upsert', note: toNote(item.note as Note) };
}

/** Keeps a deleted note's id taken until `expiresAt` (epoch seconds, the table's TTL). */
export function tombstoneItem(note: StoredNote, deletedAt: string, expiresAt: number) {
  return { ...keys.tombstone(note.id), entity: entities.tombstone, id: note.id, ownerId: note.ownerId, deletedAt, expiresAt };
}
