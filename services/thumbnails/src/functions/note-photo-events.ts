// note.photoChanged (media-events topic, published by core-api): which upload each note uses, so originals no note
// uses are tagged to expire (src/domain/original-references.ts).
import { systemClock } from '@photonotes/shared/clock';
import { notePhotoChanged } from '@photonotes/shared/contracts/media-events';
import { applied, ignored, snsConsumer } from '@photonotes/shared/consumers/sns';
import { dependencies } from '@photonotes/shared/dependencies';
import { mediaRepositoryFromEnv, mediaStorageFromEnv, noteReferencesFromEnv } from '../adapters/dependencies';
import { applyNoteChange } from '../domain/original-references';

const deps = () => dependencies({ references: noteReferencesFromEnv, media: mediaRepositoryFromEnv, storage: mediaStorageFromEnv });

export const handler = snsConsumer({ service: 'thumbnails', contract: notePhotoChanged, deps }, async (event, { deps, log }) => {
  const { noteId, version } = event.data;
  const result = await applyNoteChange(event.data, { references: deps.references, media: deps.media, storage: deps.storage, log, now: () => systemClock.now() });
  return result === 'applied' ? applied({ noteId, version }) : ignored(`note ${noteId} v${version}: ${result}`);
});
