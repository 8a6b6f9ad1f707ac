// user-events topic: user.deleted removes the account's devices (with their push endpoints) and its inbox.
import * as z from 'zod/mini';
import { domainEventEnvelope } from '@photonotes/shared/domain-event';
import { snsHandler } from '@photonotes/shared/events';
import { notificationsDeps } from '../adapters/dependencies';
import { deleteAccountData } from '../domain/account-deletion';
import { userDeletedRequest } from '../domain/triggers';

// Dependencies are built at the first message, not at import: serverless-offline-sns imports the module
// before it sets the function's environment.
export const handler = snsHandler({ service: 'notifications', schema: domainEventEnvelope(z.unknown()) }, async (event, { log }) => {
  const outcome = userDeletedRequest(event);
  if (outcome.kind === 'ignore') return;
  if (outcome.kind === 'invalid') {
    log.warn('Dropping a user.deleted event with invalid data', { issues: outcome.issues });
    return;
  }
  const deleted = await deleteAccountData(outcome.value.userId, notificationsDeps(), log);
  log.info('Deleted the notifications data of a deleted account', { userId: outcome.value.userId, ...deleted });
});
