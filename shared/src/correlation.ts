// The correlation id of the work in progress: the HTTP chain sets it to the request's id (x-request-id), the
// event consumers to the id the event carries, and the event publisher and the notes writer read it, so every
// event a request leads to, directly or through other events, names that request.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Runs `fn` with `id` as the correlation id (unchanged when `id` is undefined). */
export function withCorrelationId<T>(id: string | undefined, fn: () => T): T {
  return id === undefined ? fn() : current.run(id, fn);
}

export function correlationId(): string | undefined {
  return current.getStore();
}
