// media-events topic: media.processed tells the uploader media.ready or media.failed, once per event.
import * as z from 'zod/mini';
import { domainEventEnvelope } from '@photonotes/shared/domain-event';
import { snsHandler } from '@photonotes/shared/events';
import { notificationsDeps } from '../adapters/dependencies';
import { deliver } from '../domain/delivery';
import { mediaProcessedRequest } from '../domain/triggers';

// Dependencies are built at the first message, not at import: serverless-offline-sns imports the module
// before it sets the function's environment.
export const handler = snsHandler({ service: 'notifications', schema: domainEventEnvelope(z.unknown()) }, async (event, { log }) => {
  const outcome = mediaProcessedRequest(event);
  if (outcome.kind === 'ignore') return;
  if (outcome.kind === 'invalid') {
    log.warn('Dropping a media.processed event with invalid data', { issues: outcome.issues });
    return;
  }
  const result = await deliver(outcome.value, notificationsDeps(), log);
  log.info('Notified the uploader of a processed photo', { ...result, recipient: outcome.value.recipient });
});
