// media.processed: the upload's final state is stored under its key (so notes created later show it at
// once), then every note that references the key takes it on as a change of its own (version + 1, in /sync).
import type { EventData } from '@photonotes/shared/contracts/event';
import type { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import type { NotesDeps } from './deps';
import { photoFor, sameData } from './note';
import type { ProcessedMedia } from './note';
import { NoteChangedError, WriteConflictError } from './ports';
import { writeAttempts } from './write-attempts';

/** What media.processed says about the upload; a failed upload has no thumbnails, whatever the event says. */
export function processedMediaOf(data: EventData<typeof mediaProcessed>): ProcessedMedia {
  return { key: data.key, ownerId: data.ownerId, status: data.status, thumbnails: data.status === 'ready' ? data.thumbnails : null };
}

export async function applyProcessedMedia(media: ProcessedMedia, deps: NotesDeps): Promise<void> {
  const noteIds = await deps.notes.recordProcessedMedia(media);
  for (const id of noteIds) await showProcessedPhoto(id, media, deps);
}

async function showProcessedPhoto(id: string, media: ProcessedMedia, deps: NotesDeps): Promise<void> {
  const photo = photoFor(media.key, media);
  for await (const _attempt of writeAttempts(deps.clock)) {
    const current = await deps.notes.getNote(id);
    // Gone, moved to another photo, or already showing this state (a repeated event): nothing to do.
    if (!current || current.photo?.key !== media.key || sameData(current.photo, photo)) return;
    const next = { ...current, photo, version: current.version + 1, updatedAt: deps.clock.now().toISOString() };
    try {
      await deps.notes.replaceNote(current, next);
      return;
    } catch (err) {
      if (!(err instanceof NoteChangedError || err instanceof WriteConflictError)) throw err;
    }
  }
  // Thrown so the event is retried rather than the photo silently left pending.
  throw new Error(`Note ${id} kept changing while its photo state was applied`);
}
