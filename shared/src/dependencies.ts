// Wiring (README, "Wiring a service"): each capability a function uses is built on first use and kept for
// the container's life, and reads its own environment through the throwing getter (env.ts) when it is built.
// Nothing reads the environment at import, so a missing variable fails at the first invocation that needs it,
// for HTTP functions and event consumers alike (the local SNS and stream plugins load a module before they
// set its environment).

/** `build` runs on the first call; later calls return what it built. A build that throws is tried again next time. */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

export type Dependencies<Getters extends Record<string, () => unknown>> = { readonly [K in keyof Getters]: ReturnType<Getters[K]> };

/**
 * A function's dependencies object: each property is its getter's value, resolved on first access.
 * `const deps = dependencies({ notes: notesRepositoryFromEnv, clock: () => systemClock })` at module scope builds nothing.
 */
export function dependencies<Getters extends Record<string, () => unknown>>(getters: Getters): Dependencies<Getters> {
  const deps = {};
  for (const [name, getter] of Object.entries(getters)) {
    const get = lazy(getter);
    Object.defineProperty(deps, name, { get, enumerable: true });
  }
  return deps as Dependencies<Getters>;
}
