// media-events topic: media.processed tells the uploader media.ready or media.failed, once per event.
import { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { consumerDeps } from '../adapters/dependencies';
import { deliver } from '../domain/delivery';
import { mediaProcessedRequest } from '../domain/triggers';

export const handler = snsConsumer({ service: 'notifications', contract: mediaProcessed, deps: consumerDeps }, async (event, { deps, log }) => {
  const request = mediaProcessedRequest(event);
  const result = await deliver(request, deps, log);
  return applied({ ...result, recipient: request.recipient });
});
