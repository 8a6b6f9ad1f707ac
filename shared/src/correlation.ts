// The correlation id of the work in progress: the HTTP chain sets it to the request's id (x-request-id), the
// event consumers to the id the event carries, and the event publisher and the notes writer read it, so every
// event a request leads to, directly or through other events, names that request.
import { AsyncLocalStorage } from 'node:async_hooks';

// Event consumers may handle several records at once (a stream batch side by side), each under its own id: they
// need async context tracking. An HTTP invocation has one id, and Lambda (like serverless-offline's workers) runs
// one invocation per environment at a time, so a plain variable carries it: the HTTP path never turns on the
// async hooks that AsyncLocalStorage costs every promise once it is used.
const perRecord = new AsyncLocalStorage<string>();
let perInvocation: string | undefined;

/** Runs `fn` with `id` as the correlation id of the record it handles (unchanged when `id` is undefined). */
export function withCorrelationId<T>(id: string | undefined, fn: () => T): T {
  return id === undefined ? fn() : perRecord.run(id, fn);
}

/** Runs one whole invocation (an HTTP request) with `id` as its correlation id. */
export async function withInvocationCorrelationId<T>(id: string, fn: () => Promise<T>): Promise<T> {
  perInvocation = id;
  try {
    return await fn();
  } finally {
    perInvocation = undefined;
  }
}

export function correlationId(): string | undefined {
  return perRecord.getStore() ?? perInvocation;
}
