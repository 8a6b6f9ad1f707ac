// user.deleted (user-events topic): the account's uploads, thumbnails and media records go.
import { dependencies } from '@photonotes/shared/dependencies';
import { domainEventEnvelope } from '@photonotes/shared/domain-event';
import { snsHandler } from '@photonotes/shared/events';
import * as z from 'zod/mini';
import { mediaRepositoryFromEnv, mediaStorageFromEnv } from '../adapters/dependencies';
import { deleteUserMedia } from '../domain/user-deletion';

// The same id shape media keys carry, so the id cannot widen a prefix (no '/', never empty).
const UserDeleted = domainEventEnvelope(z.object({ userId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)) }), 'user.deleted');

// Built on first use, not at import: locally serverless-offline-sns imports this module inside the
// `sls offline` process, where the function's environment exists only while an event is handled.
const deps = dependencies({ media: mediaRepositoryFromEnv, storage: mediaStorageFromEnv });

export const handler = snsHandler({ service: 'thumbnails', schema: UserDeleted }, async (event, { log }) => {
  await deleteUserMedia(event.data.userId, { ...deps, log });
});
