// Invokes a function synchronously through the Lambda API: serverless-offline's Lambda port locally, AWS
// Lambda for a deployed stage (redrive). Tells a function error apart from a call that never reached it.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { localCredentials, localRegion } from '../emulators';
import { admissionGate } from '../admission';
import type { ServiceDefinition } from '../service-definitions';

export type InvokeOutcome =
  | { ok: true; payload: unknown }
  /** `reachedFunction: false`: the Lambda API itself failed (service down or restarting); AWS does not count those as attempts. */
  | { ok: false; reachedFunction: boolean; error: { type: string; message: string } };

export type Invoke = (functionName: string, event: unknown) => Promise<InvokeOutcome>;

function decode(payload: Uint8Array | undefined): unknown {
  const text = payload ? Buffer.from(payload).toString('utf8') : '';
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The function's error as Lambda reports it: `{ errorType, errorMessage }` in the payload. */
function functionError(payload: unknown, fallback: string): { type: string; message: string } {
  const body = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown };
  return { type: typeof body.errorType === 'string' ? body.errorType : fallback, message: typeof body.errorMessage === 'string' ? body.errorMessage : JSON.stringify(payload) };
}

export function lambdaInvoker(clientFor: (functionName: string) => Pick<LambdaClient, 'send'>): Invoke {
  return async (functionName, event) => {
    try {
      const out = await clientFor(functionName).send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }));
      const payload = decode(out.Payload);
      if (out.FunctionError) return { ok: false, reachedFunction: true, error: functionError(payload, out.FunctionError) };
      return { ok: true, payload };
    } catch (err) {
      const error = err as { name?: string; message?: string };
      return { ok: false, reachedFunction: false, error: { type: error.name ?? 'Error', message: error.message ?? String(err) } };
    }
  };
}

/**
 * Invocations of one function in flight at once; the rest wait their turn. serverless-offline loads a new worker
 * for every concurrent invocation, so a burst of events (a hundred note changes reaching an SNS consumer) would load
 * a hundred copies on two cores and run into the function's timeout. AWS queues asynchronous invocations too.
 */
export const maxInvocationsPerFunction = 4;

/** Every service's functions through its own serverless-offline Lambda port (function names carry the service). */
export function localLambdaInvoker(services: ServiceDefinition[]): { invoke: Invoke; destroy(): void } {
  const clients = new Map(
    services.map((service) => [
      service.serviceName,
      new LambdaClient({ endpoint: `http://127.0.0.1:${service.lambdaPort}`, region: localRegion, credentials: localCredentials, maxAttempts: 1 }),
    ]),
  );
  const clientFor = (functionName: string) => {
    const owner = [...clients.keys()].find((serviceName) => functionName.startsWith(`${serviceName}-local-`));
    const client = owner ? clients.get(owner) : undefined;
    if (!client) throw new Error(`No local service owns the function ${functionName}`);
    return client;
  };
  const invoke = lambdaInvoker(clientFor);
  const gates = new Map<string, ReturnType<typeof admissionGate>>();
  const gated: Invoke = async (functionName, event) => {
    let gate = gates.get(functionName);
    if (!gate) gates.set(functionName, (gate = admissionGate(maxInvocationsPerFunction)));
    const leave = await gate.enter();
    try {
      return await invoke(functionName, event);
    } finally {
      leave();
    }
  };
  return { invoke: gated, destroy: () => clients.forEach((client) => client.destroy()) };
}
