// The device authorizer's decision (AWS IoT Core custom authorizer, and the local broker through the same
// function): the client id must be the thing id, the username must name the same thing, and the password
// must match the stored verifier. The policy then allows exactly the thing's own topics. Invoked by anyone
// who can reach the endpoint (signing is off), so it does the same work whether the thing exists or not.
import type { CredentialKeys, CredentialRecord } from './credentials';
import { thingTopics, verifyPassword } from './credentials';

export interface ConnectAttempt {
  clientId?: string | undefined;
  username?: string | undefined;
  /** As AWS passes it: base64 of the password's bytes. */
  password?: string | undefined;
}

/** The stored side: the thing's credential, or undefined when no such thing exists. */
export interface StoredCredential {
  thingId: string;
  credential: CredentialRecord;
}

export interface PolicyContext {
  partition?: string;
  region: string;
  accountId: string;
  /** 300..86,400 (AWS's bounds). Rotation and deletion cut connections with DeleteConnection, not by waiting. */
  disconnectAfterInSeconds?: number;
  refreshAfterInSeconds?: number;
}

export interface PolicyStatement {
  Effect: 'Allow';
  Action: string;
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface AuthorizerResponse {
  isAuthenticated: boolean;
  principalId: string;
  disconnectAfterInSeconds: number;
  refreshAfterInSeconds: number;
  policyDocuments: PolicyDocument[];
}

const defaults = { disconnectAfterInSeconds: 86_400, refreshAfterInSeconds: 300 };

export function thingPolicy(thingId: string, context: PolicyContext): PolicyDocument {
  const arn = (resource: string) => `arn:${context.partition ?? 'aws'}:iot:${context.region}:${context.accountId}:${resource}`;
  const topics = thingTopics(thingId);
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: [arn(`client/${thingId}`)] },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: [arn(`topic/${topics.telemetry}`), arn(`topic/${topics.reported}`)] },
      // Subscribe is checked against topic filters, Receive against the topic of each delivered message.
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: [arn(`topicfilter/${topics.desired}`)] },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: [arn(`topic/${topics.desired}`)] },
    ],
  };
}

/** AWS requires an alphanumeric principal id (1..128 characters). */
export const principalIdFor = (thingId: string): string => thingId.replace(/[^A-Za-z0-9]/g, '').slice(0, 128) || 'thing';

function decodePassword(password: string | undefined): Buffer {
  return password === undefined ? Buffer.alloc(0) : Buffer.from(password, 'base64');
}

/** The username without a query suffix (`<thingId>?x-amz-customauthorizer-name=...`). */
const usernameThing = (username: string | undefined): string | undefined => username?.split('?', 1)[0];

export function authorizeConnect(attempt: ConnectAttempt, stored: StoredCredential | undefined, keys: CredentialKeys, context: PolicyContext): AuthorizerResponse {
  const clientId = attempt.clientId ?? '';
  // The same HMAC runs for an unknown thing (stored undefined), a wrong username and a wrong password.
  const passwordMatches = verifyPassword(clientId, stored?.thingId === clientId ? stored.credential : undefined, decodePassword(attempt.password), keys);
  const authenticated = passwordMatches && stored !== undefined && stored.thingId === clientId && usernameThing(attempt.username) === clientId;
  const timers = {
    disconnectAfterInSeconds: context.disconnectAfterInSeconds ?? defaults.disconnectAfterInSeconds,
    refreshAfterInSeconds: context.refreshAfterInSeconds ?? defaults.refreshAfterInSeconds,
  };
  if (!authenticated) return { isAuthenticated: false, principalId: 'denied', ...timers, policyDocuments: [] };
  return { isAuthenticated: true, principalId: principalIdFor(clientId), ...timers, policyDocuments: [thingPolicy(clientId, context)] };
}
