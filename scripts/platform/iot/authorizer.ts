// The AWS IoT Core custom authorizer contract for MQTT username/password with signing disabled: the event the
// device gateway sends the authorizer function, and the checks it applies to the answer before it trusts it.
import { parsePolicy, PolicyError, type PolicyDocument } from './policy';

/** What AWS IoT Core sends (no `token`: signing is disabled; no `tls`: the local broker speaks plain MQTT). */
export interface CustomAuthorizerEvent {
  token?: string;
  signatureVerified: boolean;
  protocols: string[];
  protocolData: { mqtt: { username?: string; password?: string; clientId?: string } };
  connectionMetadata: { id: string };
}

export interface AuthorizerDecision {
  principalId: string;
  policies: PolicyDocument[];
  /** When the connection is closed however active it is (AWS: 300..86,400 s, default 86,400). */
  disconnectAfterSeconds: number;
  /** When the authorizer is asked again for this connection's policies (300..86,400 s); null: never. */
  refreshAfterSeconds: number | null;
}

export type AuthorizerAnswer = { authenticated: true; decision: AuthorizerDecision } | { authenticated: false; reason: string };

export const authorizerLimits = { maxPolicies: 10, maxPolicyChars: 2048, minSeconds: 300, maxSeconds: 86_400 } as const;

export function authorizerEvent(input: { username: string | undefined; password: Buffer | undefined; clientId: string; connectionId: string }): CustomAuthorizerEvent {
  const mqtt: CustomAuthorizerEvent['protocolData']['mqtt'] = {};
  if (input.username !== undefined) mqtt.username = input.username;
  if (input.password !== undefined) mqtt.password = input.password.toString('base64');
  if (input.clientId !== '') mqtt.clientId = input.clientId;
  return { signatureVerified: false, protocols: ['mqtt'], protocolData: { mqtt }, connectionMetadata: { id: input.connectionId } };
}

function seconds(value: unknown, field: string, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  const { minSeconds, maxSeconds } = authorizerLimits;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minSeconds || value > maxSeconds) {
    throw new PolicyError(`${field} must be an integer from ${minSeconds} to ${maxSeconds} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Reads the function's answer as AWS IoT Core would; anything malformed refuses the connection, with the reason. */
export function readAuthorizerAnswer(payload: unknown): AuthorizerAnswer {
  if (typeof payload !== 'object' || payload === null) return { authenticated: false, reason: 'the authorizer did not return an object' };
  const answer = payload as Record<string, unknown>;
  if (answer.isAuthenticated !== true) {
    return { authenticated: false, reason: answer.isAuthenticated === false ? 'the authorizer answered isAuthenticated: false' : 'the answer has no boolean isAuthenticated' };
  }
  try {
    if (typeof answer.principalId !== 'string' || !/^[a-zA-Z0-9]{1,128}$/.test(answer.principalId)) {
      throw new PolicyError('principalId must be 1 to 128 letters and digits');
    }
    const documents = answer.policyDocuments;
    if (!Array.isArray(documents) || documents.length === 0) throw new PolicyError('policyDocuments must be a non-empty list');
    if (documents.length > authorizerLimits.maxPolicies) throw new PolicyError(`policyDocuments holds more than ${authorizerLimits.maxPolicies} policies`);
    const policies = documents.map((document: unknown, index) => {
      const text = typeof document === 'string' ? document : JSON.stringify(document);
      if (text.length > authorizerLimits.maxPolicyChars) throw new PolicyError(`policyDocuments[${index}] is longer than ${authorizerLimits.maxPolicyChars} characters`);
      return parsePolicy(document);
    });
    return {
      authenticated: true,
      decision: {
        principalId: answer.principalId,
        policies,
        disconnectAfterSeconds: seconds(answer.disconnectAfterInSeconds, 'disconnectAfterInSeconds', authorizerLimits.maxSeconds) as number,
        refreshAfterSeconds: seconds(answer.refreshAfterInSeconds, 'refreshAfterInSeconds', null),
      },
    };
  } catch (error) {
    if (error instanceof PolicyError) return { authenticated: false, reason: `invalid authorizer answer: ${error.message}` };
    throw error;
  }
}
