// Cognito PostConfirmation trigger: creates the profile of a confirmed sign-up, once, and announces it (user.signed_up).
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { createLogger } from '@photonotes/shared/log';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { signUpEventsFromEnv, usersRepositoryFromEnv } from '../adapters/dependencies';
import { createProfileOnConfirmation } from '../domain/profile';

const deps = dependencies({ users: usersRepositoryFromEnv, clock: () => systemClock, events: signUpEventsFromEnv });
const log = createLogger({ service: 'users' });

export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  try {
    await createProfileOnConfirmation({ source: event.triggerSource, attributes: event.request.userAttributes }, deps);
    return event;
  } catch (err) {
    log.error('PostConfirmation trigger failed', { err, userName: event.userName });
    throw err;
  }
};
