// Cognito PreSignUp trigger: holds every sign-up to the API's rules and, in the local stage only
// (AUTO_CONFIRM_SIGN_UPS), confirms it and verifies the email at once (unless the call asks otherwise, see the domain).
import { createLogger } from '@photonotes/shared/log';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { autoConfirmSignUps } from '../adapters/dependencies';
import { preSignUpDecision, SignUpRefused } from '../domain/sign-up';

const log = createLogger({ service: 'users' });

export const handler = async (event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> => {
  try {
    const decision = preSignUpDecision(
      { source: event.triggerSource, attributes: event.request.userAttributes, clientMetadata: event.request.clientMetadata },
      { autoConfirm: autoConfirmSignUps() },
    );
    return { ...event, response: { ...event.response, ...decision } };
  } catch (err) {
    // Thrown back to Cognito, which refuses the sign-up with this message.
    if (err instanceof SignUpRefused) log.info('Sign-up refused', { reason: err.message, triggerSource: event.triggerSource });
    else log.error('PreSignUp trigger failed', { err });
    throw err;
  }
};
