// account-sweeps queue: once a deletion's delay is over, `user.deleted` goes out again, so every service's cleanup
// also removes what a request that passed the auth chain just before the revocation wrote (API.md, DELETE /users/me).
import { sqsConsumer, applied } from '@photonotes/shared/consumers/sqs';
import { dependencies } from '@photonotes/shared/dependencies';
import { userEventsFromEnv } from '../adapters/dependencies';
import { accountSweep } from '../adapters/deletion-sweeps-queue';
import { sweepDeletedAccount } from '../domain/account-deletion';

export const handler = sqsConsumer(
  { service: 'users', contract: accountSweep, deps: () => dependencies({ events: userEventsFromEnv }) },
  async (message, { deps }) => {
    await sweepDeletedAccount(message.data.userId, deps);
    return applied({ userId: message.data.userId });
  },
);
