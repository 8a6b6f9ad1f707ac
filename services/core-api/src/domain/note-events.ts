// Every note change read from the notes table's stream becomes one note.changed on the note-events topic, so
// consumers other than search (notifications, and later analytics and realtime) never read the stream.
import type { EventPayload } from '@photonotes/shared/contracts/event';
import type { notePhotoChanged } from '@photonotes/shared/contracts/media-events';
import type { noteChanged } from '@photonotes/shared/contracts/note-events';
import type { NoteImage, NoteStreamChange } from '@photonotes/shared/contracts/notes-stream';
import { toNote } from './note';

export type NoteChangedPayload = EventPayload<typeof noteChanged>;
export type NotePhotoChangedPayload = EventPayload<typeof notePhotoChanged>;

const access = (note: NoteImage) => ({ version: note.version, visibility: note.visibility, sharedWith: note.sharedWith });

/** The event a stream record means, or undefined for a record without the image it needs (which the stream never sends). */
export function noteChangedFrom(change: NoteStreamChange): NoteChangedPayload | undefined {
  const { newImage, oldImage } = change;
  const note = change.eventName === 'REMOVE' ? oldImage : newImage;
  if (!note) return undefined;
  const kind = change.eventName === 'REMOVE' ? 'deleted' : change.eventName === 'INSERT' ? 'created' : 'updated';
  return {
    noteId: note.id,
    ownerId: note.ownerId,
    version: note.version,
    change: kind,
    title: note.title,
    tags: note.tags,
    visibility: note.visibility,
    sharedWith: note.sharedWith,
    photoStatus: note.photo?.status ?? null,
    createdAt: note.createdAt,
    updatedAt: note.updatedAt,
    previous: kind === 'updated' && oldImage ? access(oldImage) : null,
    // As GET /sync presents it (shared-feed.ts and the owner's feed store toNote of the same image): the realtime
    // fan-out sends it to the owner and the sharees, who both see the whole note, sharee list included.
    ...(kind === 'deleted' ? {} : { note: toNote(note) }),
  };
}

/**
 * note.photoChanged for a record that changed which upload the note uses (created with a photo, a photo added,
 * replaced or removed, deleted with a photo), so thumbnails knows which originals notes hold on to; undefined for
 * every other change.
 */
export function notePhotoChangeFrom(change: NoteStreamChange): NotePhotoChangedPayload | undefined {
  const before = change.eventName === 'INSERT' ? null : (change.oldImage?.photo?.key ?? null);
  const after = change.eventName === 'REMOVE' ? null : (change.newImage?.photo?.key ?? null);
  const note = change.eventName === 'REMOVE' ? change.oldImage : change.newImage;
  if (!note || before === after) return undefined;
  const kind = change.eventName === 'REMOVE' ? 'deleted' : change.eventName === 'INSERT' ? 'created' : 'updated';
  return { noteId: note.id, ownerId: note.ownerId, version: note.version, change: kind, photoKey: kind === 'deleted' ? before : after };
}
