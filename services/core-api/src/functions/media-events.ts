// media-events topic: media.processed shows the upload's state and thumbnails on every note using it.
import { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { notesDeps } from '../adapters/dependencies';
import { applyProcessedMedia, processedMediaOf } from '../domain/apply-processed-media';

export const handler = snsConsumer({ service: 'core-api', contract: mediaProcessed, deps: notesDeps }, async (event, { deps }) => {
  await applyProcessedMedia(processedMediaOf(event.data), deps);
  return applied({ key: event.data.key, status: event.data.status });
});
