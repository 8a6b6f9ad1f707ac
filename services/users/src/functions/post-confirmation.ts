// Cognito PostConfirmation trigger. A confirmed sign-up: creates the profile, once, and announces it
// (user.signed_up). A confirmed password reset: every refresh token of the user stops working.
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { createLogger } from '@photonotes/shared/log';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { signUpEventsFromEnv, usersRepositoryFromEnv } from '../adapters/dependencies';
import { createProfileOnConfirmation } from '../domain/profile';
import { revokeSessionsAfterReset } from '../domain/recovery';

const deps = dependencies({ users: usersRepositoryFromEnv, clock: () => systemClock, events: signUpEventsFromEnv });
const log = createLogger({ service: 'users' });

export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  const request = { source: event.triggerSource, attributes: event.request.userAttributes };
  try {
    await createProfileOnConfirmation(request, deps);
    await revokeSessionsAfterReset(request, deps);
    return event;
  } catch (err) {
    log.error('PostConfirmation trigger failed', { err, userName: event.userName, source: event.triggerSource });
    throw err;
  }
};
