// user-events topic: user.deleted removes the account's notes, its place in others' notes, and its feed.
import * as z from 'zod/mini';
import { domainEventEnvelope } from '@photonotes/shared/domain-event';
import { snsHandler } from '@photonotes/shared/events';
import { notesDeps } from '../adapters/dependencies';
import { deleteAccountData } from '../domain/delete-account-data';
import { userDeletedEvent } from '../domain/events';

// Dependencies are built at the first message, not at import: serverless-offline-sns imports the module
// before it sets the function's environment.
export const handler = snsHandler({ service: 'core-api', schema: domainEventEnvelope(z.unknown()) }, async (event, { log }) => {
  const outcome = userDeletedEvent(event);
  if (outcome.kind === 'ignore') return;
  if (outcome.kind === 'invalid') {
    log.warn('Dropping user.deleted event with invalid data', { issues: outcome.issues });
    return;
  }
  await deleteAccountData(outcome.data.userId, notesDeps());
  log.info('Deleted the notes data of a deleted account', { userId: outcome.data.userId });
});
