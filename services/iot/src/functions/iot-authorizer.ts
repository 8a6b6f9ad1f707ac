// The AWS IoT custom authorizer (AWS::IoT::Authorizer, signing disabled): a device's CONNECT with clientId =
// thingId and the username and password it was issued → a policy limited to its own topics, or a refusal.
import type { Context } from 'aws-lambda';
import { createLogger } from '@photonotes/shared/log';
import { devicesStoreFromEnv, iotConfig } from '../adapters/dependencies';
import type { ConnectAttempt, PolicyContext } from '../domain/authorizer';
import { authorizeConnect } from '../domain/authorizer';
import { normaliseThingId } from '../domain/thing';

interface AuthorizerEvent {
  protocolData?: { mqtt?: ConnectAttempt };
}

const log = createLogger({ service: 'iot' });

/** Region and account from the function's own ARN (`arn:aws:lambda:<region>:<account>:function:<name>`); the local twin's otherwise. */
function policyContext(context: Context): PolicyContext {
  const [, partition, , region, accountId] = context.invokedFunctionArn.split(':');
  if (partition && region && accountId && /^[0-9]{12}$/.test(accountId)) return { partition, region, accountId };
  return { region: process.env.AWS_REGION ?? 'us-east-1', accountId: '000000000000' };
}

export async function handler(event: AuthorizerEvent, context: Context) {
  const attempt = event.protocolData?.mqtt ?? {};
  const thingId = normaliseThingId(attempt.clientId ?? '');
  const device = thingId === undefined ? undefined : await devicesStoreFromEnv().get(thingId);
  const response = authorizeConnect(attempt, device, iotConfig().credentialKeys, policyContext(context));
  log.info('device connect', { clientId: attempt.clientId, authenticated: response.isAuthenticated });
  return response;
}
