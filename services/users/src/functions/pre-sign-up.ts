// Cognito PreSignUp trigger: holds every sign-up to the API's rules and, in the local stage only
// (AUTO_CONFIRM_SIGN_UPS), confirms it and verifies the email at once.
import { optionalEnv } from '@photonotes/shared/env';
import { createLogger } from '@photonotes/shared/log';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { preSignUpDecision, SignUpRefused } from '../domain/sign-up';

const autoConfirm = optionalEnv('AUTO_CONFIRM_SIGN_UPS', 'false') === 'true';
const log = createLogger({ service: 'users' });

export const handler = async (event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> => {
  try {
    const decision = preSignUpDecision({ source: event.triggerSource, attributes: event.request.userAttributes }, { autoConfirm });
    return { ...event, response: { ...event.response, ...decision } };
  } catch (err) {
    // Thrown back to Cognito, which refuses the sign-up with this message.
    if (err instanceof SignUpRefused) log.info('Sign-up refused', { reason: err.message, triggerSource: event.triggerSource });
    else log.error('PreSignUp trigger failed', { err });
    throw err;
  }
};
