// media-events topic: media.processed shows the upload's state and thumbnails on every note using it.
import * as z from 'zod/mini';
import { domainEventEnvelope } from '@photonotes/shared/domain-event';
import { snsHandler } from '@photonotes/shared/events';
import { notesDeps } from '../adapters/dependencies';
import { applyProcessedMedia } from '../domain/apply-processed-media';
import { mediaProcessedEvent } from '../domain/events';

// Dependencies are built at the first message, not at import: serverless-offline-sns imports the module
// before it sets the function's environment.
export const handler = snsHandler({ service: 'core-api', schema: domainEventEnvelope(z.unknown()) }, async (event, { log }) => {
  const outcome = mediaProcessedEvent(event);
  if (outcome.kind === 'ignore') return;
  if (outcome.kind === 'invalid') {
    log.warn('Dropping media.processed event with invalid data', { issues: outcome.issues });
    return;
  }
  await applyProcessedMedia(outcome.data, notesDeps());
});
