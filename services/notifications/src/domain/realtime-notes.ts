// note.changed on the realtime channel (API.md "Realtime"): who is told what of one note change, as GET /sync tells
// it (the owner's feed and the sharees' shared feeds): the owner and the users the note is shared with get an upsert
// of the note as the API presents it; a user it was shared with before and no longer is gets a delete, as does
// everyone who could see a deleted note.
import type { EventOf } from '@photonotes/shared/contracts/event';
import type { noteChanged } from '@photonotes/shared/contracts/note-events';
import type { Logger } from '@photonotes/shared/log';
import type { FanoutReport, PushedMessage, RealtimeFanout } from './realtime-fanout';

export interface NoteChangeMessages {
  /** Each message and the users who get it. */
  sends: Array<{ userIds: string[]; message: PushedMessage }>;
  /** Users an upsert could not be built for (an event published before it carried the note). */
  unpresentable: string[];
}

export function noteChangeMessages(event: EventOf<typeof noteChanged>): NoteChangeMessages {
  const data = event.data;
  const viewers = [...new Set([data.ownerId, ...data.sharedWith])];
  if (data.change === 'deleted') {
    // The deletion's time: when it was written (the publisher's occurredAt is the stream record's time), as /sync says.
    return { sends: [{ userIds: viewers, message: { type: 'note.changed', change: { op: 'delete', id: data.noteId, deletedAt: event.occurredAt } } }], unpresentable: [] };
  }
  const now = new Set(viewers);
  const unshared = [...new Set(data.previous?.sharedWith ?? [])].filter((userId) => !now.has(userId));
  const sends: NoteChangeMessages['sends'] = [];
  // An unshare's time is the note's updatedAt (as the sharee's shared feed records it).
  if (unshared.length > 0) sends.push({ userIds: unshared, message: { type: 'note.changed', change: { op: 'delete', id: data.noteId, deletedAt: data.updatedAt } } });
  if (!data.note) return { sends, unpresentable: viewers };
  sends.push({ userIds: viewers, message: { type: 'note.changed', change: { op: 'upsert', note: data.note } } });
  return { sends, unpresentable: [] };
}

/** Sends one note change to everyone it concerns; never throws (see sendToUsers). */
export async function fanOutNoteChange(event: EventOf<typeof noteChanged>, realtime: Pick<RealtimeFanout, 'sendToUsers'>, log: Logger): Promise<FanoutReport[]> {
  const { sends, unpresentable } = noteChangeMessages(event);
  if (unpresentable.length > 0) log.warn('note.changed without the presented note: no realtime upsert', { noteId: event.data.noteId, version: event.data.version });
  const note = { noteId: event.data.noteId, position: { version: event.data.version, change: event.data.change } };
  return Promise.all(sends.map(({ userIds, message }) => realtime.sendToUsers(userIds, message, { seq: true, note, log })));
}
