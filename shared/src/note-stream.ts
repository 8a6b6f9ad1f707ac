// Reading core-api's notes-table stream (search and notifications consume it). The table holds several
// kinds of items; each carries `entity`, and only `entity: 'note'` items are notes:
//   INSERT = a note was created, MODIFY = it changed (`version` grew), REMOVE = it was deleted (also when
//   its owner's account was deleted). sharedWith gains: compare oldImage.sharedWith with newImage.sharedWith.
// Other entities (share copies, change-feed entries, tombstones, media records) are core-api's internals.

export interface StreamNoteThumbnail {
  url: string;
  width: number;
  height: number;
}

export interface StreamNote {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  tags: string[];
  visibility: 'private' | 'public';
  sharedWith: string[];
  photo: {
    key: string;
    status: 'pending' | 'ready' | 'failed';
    thumbnails: { small: StreamNoteThumbnail; medium: StreamNoteThumbnail; large: StreamNoteThumbnail } | null;
  } | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The note in a stream image (as unmarshalled by streamHandler), or undefined for any other item. */
export function noteFromStreamImage(image: Record<string, unknown> | undefined): StreamNote | undefined {
  if (!image || image.entity !== 'note') return undefined;
  const note = image as unknown as StreamNote;
  return {
    id: note.id,
    ownerId: note.ownerId,
    title: note.title,
    body: note.body,
    tags: note.tags ?? [],
    visibility: note.visibility,
    sharedWith: note.sharedWith ?? [],
    photo: note.photo ?? null,
    version: note.version,
    createdAt: note.createdAt,
    updatedAt: note.updatedAt,
  };
}

/** User ids that `newImage` shares the note with and `oldImage` did not (empty unless both are notes or it is new). */
export function newSharees(oldImage: Record<string, unknown> | undefined, newImage: Record<string, unknown> | undefined): string[] {
  const after = noteFromStreamImage(newImage);
  if (!after) return [];
  const before = new Set(noteFromStreamImage(oldImage)?.sharedWith ?? []);
  return after.sharedWith.filter((userId) => !before.has(userId));
}
