// The platform's warm-up of the Cognito triggers: each trigger loaded in as many workers as sign-ups can reach it at
// once, by an event the real triggers answer without doing anything.
import type { PostConfirmationTriggerEvent, PreSignUpTriggerEvent } from 'aws-lambda';
import { handler as postConfirmation } from '../../services/users/src/functions/post-confirmation';
import { handler as preSignUp } from '../../services/users/src/functions/pre-sign-up';
import type { Invoke } from '../platform/delivery/lambda-invoke';
import { warmCognitoTriggers, warmUpEvent, warmWorkersPerTrigger } from '../platform/warm-triggers';

describe('warmCognitoTriggers', () => {
  test('invokes every trigger once per worker, all at the same time, so each invocation gets its own worker', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const calls: string[] = [];
    const invoke: Invoke = async (functionName) => {
      calls.push(functionName);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      return { ok: true, payload: null };
    };
    const triggers = { PreSignUp: 'photonotes-users-local-preSignUp', PostConfirmation: 'photonotes-users-local-postConfirmation' };

    // Act
    await warmCognitoTriggers({ cognitoTriggers: triggers }, invoke, { userPoolId: 'pool', log: () => undefined });

    // Assess
    expect(calls.sort()).toEqual([...Array(warmWorkersPerTrigger).fill(triggers.PostConfirmation), ...Array(warmWorkersPerTrigger).fill(triggers.PreSignUp)]);
    expect(most).toBe(2 * warmWorkersPerTrigger);
  });

  test('reports a trigger that failed to warm instead of throwing', async () => {
    // Prepare
    const lines: string[] = [];
    const invoke: Invoke = async () => ({ ok: false, reachedFunction: true, error: { type: 'Error', message: '[504] - Lambda timeout.' } });

    // Act
    await warmCognitoTriggers({ cognitoTriggers: { PostConfirmation: 'post' } }, invoke, { userPoolId: 'pool', workers: 1, log: (line) => lines.push(line) });

    // Assess
    expect(lines).toEqual(['warming post failed: [504] - Lambda timeout.']);
  });

  test('the users service’s triggers answer the warm-up event as it came, touching no dependency', async () => {
    // Prepare: no table or topic in the environment, so any write would throw.
    const event = warmUpEvent('pool');

    // Act
    const confirmed = await postConfirmation(event as unknown as PostConfirmationTriggerEvent);
    const judged = await preSignUp(event as unknown as PreSignUpTriggerEvent);

    // Assess
    expect(confirmed).toEqual(event);
    expect(judged.response).toEqual({ autoConfirmUser: false, autoVerifyEmail: false });
  });
});

