// Every note change read from the notes table's stream becomes one note.changed on the note-events topic, so
// consumers other than search (notifications, and later analytics and realtime) never read the stream.
import type { EventPayload } from '@photonotes/shared/contracts/event';
import type { noteChanged } from '@photonotes/shared/contracts/note-events';
import type { NoteImage, NoteStreamChange } from '@photonotes/shared/contracts/notes-stream';

export type NoteChangedPayload = EventPayload<typeof noteChanged>;

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
  };
}
