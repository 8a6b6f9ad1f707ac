// Cognito triggers, loaded before the platform reports ready. serverless-offline starts a worker for every concurrent
// invocation of a function and loads the handler inside the invocation's timeout, which AWS does not (a Lambda
// function's init phase has its own 10 s limit). A trigger's timeout is 5 s, so on a platform that has just started
// (every service still loading its first handlers) a few concurrent sign-ups each loaded a trigger worker at once,
// the PostConfirmation trigger timed out, and POST /auth/signup answered 500. Here each trigger gets a few loaded
// workers before the gateway opens, by an invocation that changes nothing: the triggers ignore a triggerSource they
// do not know (PreSignUp only judges the attributes it is given).
import type { ServiceDefinition } from './service-definitions';
import type { Invoke } from './delivery/lambda-invoke';

/**
 * Workers per trigger. The gateway lets six requests through to the users service at once, but each worker holds a
 * heap of its own (~30 MB): three cover a burst of sign-ups at start, and a fourth or later concurrent one loads its
 * worker while the first three are already warm and the machine less busy.
 */
export const warmWorkersPerTrigger = 3;

export const warmUpTriggerSource = 'PhotonotesPlatform_WarmUp';

/** A Cognito trigger event no trigger acts on. */
export function warmUpEvent(userPoolId: string): Record<string, unknown> {
  return {
    version: '1',
    triggerSource: warmUpTriggerSource,
    region: 'us-east-1',
    userPoolId,
    userName: 'platform-warm-up',
    callerContext: { awsSdkVersion: 'platform', clientId: 'platform' },
    request: { userAttributes: { email: 'warm-up@example.com', name: 'warm-up' } },
    response: {},
  };
}

/**
 * Invokes every Cognito trigger of `users` `workers` times at once (serverless-offline keeps each worker for its
 * idle time, 60 s by default); returns how long it took. A failed warm-up is reported, not thrown: the platform
 * still works, only the first sign-ups may be slow.
 */
export async function warmCognitoTriggers(users: Pick<ServiceDefinition, 'cognitoTriggers'>, invoke: Invoke, options: { userPoolId: string; workers?: number; log(text: string): void }): Promise<number> {
  const started = Date.now();
  const workers = options.workers ?? warmWorkersPerTrigger;
  const outcomes = await Promise.all(
    Object.values(users.cognitoTriggers).flatMap((functionName) => Array.from({ length: workers }, () => invoke(functionName, warmUpEvent(options.userPoolId)).then((outcome) => ({ functionName, outcome })))),
  );
  for (const { functionName, outcome } of outcomes) {
    if (!outcome.ok) options.log(`warming ${functionName} failed: ${outcome.error.message}`);
  }
  return Date.now() - started;
}
