// user-events topic: user.deleted destroys the user's actor key. Their events and counts stay as they were; the
// actor they carry can no longer be derived from the user's id (API.md, Analytics). Idempotent.
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { dependencies } from '@photonotes/shared/dependencies';
import { actorKeysFromEnv } from '../adapters/dependencies';

export const handler = snsConsumer(
  { service: 'analytics', contract: userDeleted, deps: () => dependencies({ actorKeys: actorKeysFromEnv }) },
  async (event, { deps }) => {
    await deps.actorKeys.destroy(event.data.userId);
    return applied({ userId: event.data.userId });
  },
);
