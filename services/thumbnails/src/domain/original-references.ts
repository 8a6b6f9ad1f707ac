// Originals that no note uses go after unreferencedOriginalDays, by the bucket's lifecycle rule (serverless.yml):
// it expires objects under uploads/ tagged `photonotes:referenced=false` once they are that many days old. This
// module keeps the tag true to the notes: a processed upload is tagged when it becomes ready, and again whenever a
// note starts or stops using it (note.photoChanged, which core-api publishes on media-events). Which notes use an
// upload is kept on its record (`noteIds`), moved per note by the last event applied for that note, so repeated
// and reordered events change nothing (TABLES.md, "Originals and the notes that use them").
import type { NotePhotoChange } from '@photonotes/shared/contracts/media-events';
import { supersedes } from '@photonotes/shared/contracts/note-events';
import { parseMediaKey } from '@photonotes/shared/media-keys';
import type { Logger } from '@photonotes/shared/log';
import type { MediaRepository, MediaStorage, NoteReference, NoteReferences } from './ports';

/** A deleted note's last state is kept this long, so a late event of it (SNS retries, a redrive) is recognised. */
export const deletedNoteMemorySeconds = 30 * 24 * 60 * 60;

/** Rounds of tag, then check; each round that sees the references move means another writer is still at work. */
const maxTagRounds = 5;

export interface TagDeps {
  media: Pick<MediaRepository, 'get'>;
  storage: Pick<MediaStorage, 'tagOriginal'>;
}

/**
 * Makes the original's tag say whether a note uses it. Everyone who changes the references (or makes the upload
 * ready) calls this afterwards: it reads, tags, and reads again until no change slipped in between, so the last tag
 * written by anyone was written from the references as they finally are. Only a ready upload is tagged: a pending
 * one is tagged by its processing, a failed one has no original left.
 */
export async function syncOriginalTag(ownerId: string, key: string, deps: TagDeps): Promise<void> {
  for (let round = 0; round < maxTagRounds; round++) {
    const record = await deps.media.get(ownerId, key);
    if (!record || record.status !== 'ready') return;
    const referenced = (record.noteIds?.length ?? 0) > 0;
    if (!(await deps.storage.tagOriginal(key, referenced))) return;
    const after = await deps.media.get(ownerId, key);
    if ((after?.refsVersion ?? 0) === (record.refsVersion ?? 0) && after?.status === 'ready') return;
  }
  // Thrown so the event is retried: the tag must not be left behind the references.
  throw new Error(`The references of ${key} kept changing while its original was tagged`);
}


export interface ReferenceDeps extends TagDeps {
  references: NoteReferences;
  log: Logger;
  now: () => Date;
}

export type ReferenceResult = 'applied' | 'repeated' | 'stale';

const asChange = (state: NoteReference) => ({ version: state.version, change: state.deleted ? ('deleted' as const) : ('updated' as const) });

/** The upload a note event says the note holds: none once deleted, and only an upload of the note's owner. */
function heldKey(change: NotePhotoChange): string | null {
  if (change.change === 'deleted' || !change.photoKey) return null;
  // core-api accepts only the owner's keys; anything else is no original of this user's to keep.
  return parseMediaKey(change.photoKey)?.userId === change.ownerId ? change.photoKey : null;
}

/** Applies one note.photoChanged to the references of the note's old and new upload, then tags both originals. */
export async function applyNoteChange(change: NotePhotoChange, deps: ReferenceDeps): Promise<ReferenceResult> {
  const next: NoteReference = { version: change.version, deleted: change.change === 'deleted', photoKey: heldKey(change) };
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.references.get(change.ownerId, change.noteId);
    if (current && !supersedes(change, asChange(current))) {
      const repeated = current.version === change.version && current.deleted === next.deleted;
      // A repeat may be the retry of a run that stopped before tagging: tag what the note holds again.
      if (repeated && current.photoKey) await syncOriginalTag(change.ownerId, current.photoKey, deps);
      return repeated ? 'repeated' : 'stale';
    }
    const expiresAt = next.deleted ? Math.floor(deps.now().getTime() / 1000) + deletedNoteMemorySeconds : undefined;
    if ((await deps.references.move({ ownerId: change.ownerId, noteId: change.noteId, current, next, expiresAt })) === 'changed') continue;
    const touched = new Set([current?.photoKey, next.photoKey].filter((key): key is string => typeof key === 'string'));
    if (current?.photoKey !== next.photoKey) for (const key of touched) await syncOriginalTag(change.ownerId, key, deps);
    return 'applied';
  }
  throw new Error(`Note ${change.noteId} kept changing while its photo reference was applied`);
}
