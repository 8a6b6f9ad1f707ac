// Reaching behind the API in integration tests: the local Cognito (to prove what does or does not exist
// there), tokens signed with cognito-local's own key (so every claim check is tested, not only the
// signature), the users service's Lambda port (to replay a trigger) and the SNS emulator (to see events).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CreateTopicCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { importJWK, SignJWT } from 'jose';
import type { JWK, JWTPayload } from 'jose';
import { localCredentials, localRegion } from '../../../../scripts/platform/emulators';
import { loadServiceDefinitions, repoRoot } from '../../../../scripts/platform/service-definitions';

export function cognitoSettings(): { issuer: string; clientId: string; userPoolId: string } {
  const issuer = process.env.TEST_COGNITO_ISSUER;
  const clientId = process.env.TEST_COGNITO_CLIENT_ID;
  const userPoolId = process.env.TEST_COGNITO_USER_POOL_ID;
  if (!issuer || !clientId || !userPoolId) throw new Error('TEST_COGNITO_* not set: integration tests run through the jest global setup');
  return { issuer, clientId, userPoolId };
}

/** Whether cognito-local holds a user with this email (or username). */
export async function cognitoUserExists(username: string): Promise<boolean> {
  const { issuer, userPoolId } = cognitoSettings();
  const client = new CognitoIdentityProviderClient({ endpoint: new URL(issuer).origin, region: localRegion, credentials: localCredentials });
  try {
    await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    return true;
  } catch (err) {
    if (err instanceof Error && err.name === 'UserNotFoundException') return false;
    throw err;
  } finally {
    client.destroy();
  }
}

let signingKey: ReturnType<typeof importJWK> | undefined;

/** Signs like cognito-local (its published test key, kid CognitoLocal); claims default to a valid access token. */
export async function cognitoLocalToken(claims: JWTPayload, options: { expiresInSeconds?: number } = {}): Promise<string> {
  const { issuer, clientId } = cognitoSettings();
  signingKey ??= importJWK(
    (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', 'cognito-local', 'lib', 'keys', 'cognitoLocal.private.json'), 'utf8')) as { jwk: JWK }).jwk,
    'RS256',
  );
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: issuer,
    sub: '00000000-0000-4000-8000-000000000000',
    token_use: 'access',
    client_id: clientId,
    iat: now,
    exp: now + (options.expiresInSeconds ?? 3600),
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' }).sign(await signingKey);
}

/** Invokes a users function through serverless-offline's Lambda API, as cognito-local does for triggers. */
export async function invokeUsersFunction(functionName: string, event: unknown): Promise<{ status: number; payload: unknown }> {
  const users = loadServiceDefinitions().find((service) => service.name === 'users');
  if (!users) throw new Error('no users service');
  const response = await fetch(`http://127.0.0.1:${users.lambdaPort}/2015-03-31/functions/${users.serviceName}-local-${functionName}/invocations`, {
    method: 'POST',
    body: JSON.stringify(event),
  });
  const text = await response.text();
  return { status: response.status, payload: text ? (JSON.parse(text) as unknown) : undefined };
}

export interface TopicListener {
  /** Every message body published to the topic since the listener started, parsed. */
  messages: unknown[];
  close(): Promise<void>;
}

/** Subscribes an HTTP endpoint of this process to a topic of the local SNS emulator. */
export async function listenToTopic(topicName: string): Promise<TopicListener> {
  const messages: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const notification = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Message?: string };
        if (notification.Message) messages.push(JSON.parse(notification.Message));
      } catch {
        // not a notification
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sns = new SNSClient({ endpoint: `http://127.0.0.1:${process.env.SNS_PORT ?? '4002'}`, region: localRegion, credentials: localCredentials });
  // CreateTopic is idempotent and answers the topic's ARN.
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/` }));
  return {
    messages,
    async close() {
      await sns.send(new UnsubscribeCommand({ SubscriptionArn })).catch(() => undefined);
      sns.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until `check` returns a value, or fails after the deadline. */
export async function eventually<T>(check: () => T | undefined, deadlineMs = 5000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
