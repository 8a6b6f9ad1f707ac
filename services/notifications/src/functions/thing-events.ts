// thing-events topic: thing.alert tells the thing's owner (inbox and push), once per firing.
import { thingAlert } from '@photonotes/shared/contracts/thing-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { consumerDeps } from '../adapters/dependencies';
import { deliver } from '../domain/delivery';
import { thingAlertRequest } from '../domain/triggers';

export const handler = snsConsumer({ service: 'notifications', contract: thingAlert, deps: consumerDeps }, async (event, { deps, log }) => {
  const request = thingAlertRequest(event);
  const result = await deliver(request, deps, log);
  return applied({ ...result, recipient: request.recipient });
});
