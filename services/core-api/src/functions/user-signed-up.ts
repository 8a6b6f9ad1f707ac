// user-events topic: user.signed_up makes the id a known user, one that notes may be shared with.
import { userSignedUp } from '@photonotes/shared/contracts/user-events';
import { applied, ignored, snsConsumer } from '@photonotes/shared/consumers/sns';
import { dependencies } from '@photonotes/shared/dependencies';
import { knownUsersFromEnv } from '../adapters/dependencies';

const deps = () => dependencies({ users: knownUsersFromEnv });

export const handler = snsConsumer({ service: 'core-api', contract: userSignedUp, deps }, async (event, { deps }) => {
  const { userId, signedUpAt } = event.data;
  const recorded = await deps.users.recordSignedUp(userId, signedUpAt);
  return recorded ? applied({ userId }) : ignored('known already, or deleted');
});
